package io.splitee.device.status;

/** What the daemon is doing, as one word; later constants win when several hold at once. */
public enum DeviceState {
    /** Loading the model, connecting. */
    STARTING,
    /** Taking samples; offloading when the policy says so. */
    SERVING,
    /** The gateway is suspected down: samples that would offload are finished on the device. */
    FALLBACK,
    /** A sample found the queue full within the last second: some samples are answered {@code overloaded}. */
    OVERLOADED,
    /** The worker failed: the daemon stops. */
    ERROR,
    /** Graceful shutdown: answering what is in flight. */
    STOPPING,
    /** Stopped. */
    STOPPED;

    /** The JSON / CoAP name, e.g. {@code fallback}. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
