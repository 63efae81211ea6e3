package io.splitee.device.status;

/**
 * Told what the device does, on the status thread ({@code splitee-<device>-status}), in order. A
 * listener must not block for long: the next event waits for it. One that throws is logged and keeps
 * its subscription.
 */
public interface StatusListener {

    /** The state changed; {@code now} is the status right after the change. */
    default void stateChanged(Status now) {
    }

    /** An offload (or a probe) was sent from live arm {@code arm}. */
    default void offloaded(int arm) {
    }

    /** A sample was answered (on the device or by the gateway). */
    default void answered(Status now) {
    }
}
