package io.splitee.device.daemon;

import io.splitee.device.config.DeviceConfig;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.mqtt.Incoming;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The offloads awaiting the gateway, in the order they were sent, with their deadlines; which payload
 * an offload carries; and what the device does when the gateway does not help. Owned by the worker
 * thread; deadlines are scheduled through {@link Deadlines}, which delivers them on the worker.
 */
final class Offloads {
    /** In {@code auto} payload mode every this many offloads send the other payload. */
    static final int PAYLOAD_EXPLORE_EVERY = 10;

    /** Schedules a task on the worker thread after a delay. */
    @FunctionalInterface
    interface Deadlines {
        /** @return cancels the task (a no-op once it ran) */
        Runnable schedule(Duration after, Runnable onWorker);
    }

    private final DeviceConfig.Offload config;
    private final MeasuredCosts measured;
    private final Deadlines deadlines;
    private final Map<String, Sample> pending = new LinkedHashMap<>();
    private long payloadChoices;

    /**
     * @param measured the measured costs, or null in paper cost mode (the payload is then the configured one)
     */
    Offloads(DeviceConfig.Offload config, MeasuredCosts measured, Deadlines deadlines) {
        this.config = config;
        this.measured = measured;
        this.deadlines = deadlines;
    }

    /**
     * What an offload after live arm {@code arm} carries: the cheapest by the current estimates; in
     * {@code auto} mode every {@value #PAYLOAD_EXPLORE_EVERY}th offload sends the other one, so the
     * estimates behind both stay measured (a greedy choice could otherwise keep trusting a stale
     * estimate of the payload it stopped sending). In paper mode: raw when forced, else features.
     */
    MeasuredCosts.Payload payloadFor(int arm) {
        if (measured != null) {
            MeasuredCosts.Payload best = measured.offload(arm).payload();
            if (config.payload() == MeasuredCosts.PayloadRule.AUTO && arm > 0
                    && ++payloadChoices % PAYLOAD_EXPLORE_EVERY == 0) {
                return best == MeasuredCosts.Payload.RAW ? MeasuredCosts.Payload.FEATURES : MeasuredCosts.Payload.RAW;
            }
            return best;
        }
        return config.payload() == MeasuredCosts.PayloadRule.RAW ? MeasuredCosts.Payload.RAW
                : MeasuredCosts.Payload.FEATURES;
    }

    /** Enters a sent offload; {@code onDeadline} runs on the worker after {@code offload.deadline}. */
    void add(Sample s, Runnable onDeadline) {
        pending.put(s.id, s);
        s.cancelDeadline = deadlines.schedule(config.deadline(), onDeadline);
    }

    /** The pending offload {@code id} answered now: removed, its deadline cancelled; null if none (late or twice). */
    Sample answered(String id) {
        Sample s = pending.remove(id);
        if (s != null) {
            s.cancelDeadline.run();
        }
        return s;
    }

    /**
     * Removes {@code s} (its deadline passed, or its publish failed), cancelling its deadline.
     *
     * @return false when it was answered meanwhile
     */
    boolean remove(Sample s) {
        if (pending.get(s.id) != s) {
            return false;
        }
        pending.remove(s.id);
        s.cancelDeadline.run();
        return true;
    }

    /** Whether {@code id} is pending (awaiting the gateway). */
    boolean pending(String id) {
        return pending.containsKey(id);
    }

    /** A redelivery of a pending sample takes over its acknowledgement; false if {@code id} is not pending. */
    boolean takeOver(String id, Incoming m) {
        Sample s = pending.get(id);
        if (s == null) {
            return false;
        }
        s.source = m;
        return true;
    }

    /**
     * Whether a sample the gateway did not help is finished on the device ({@code offload.fallback=complete},
     * and always for the raw-sample arm, which has no exit of its own) rather than answered degraded.
     */
    boolean completes(Sample s) {
        return config.fallback() == DeviceConfig.Offload.Fallback.COMPLETE || s.arm == 0;
    }

    /** Whether {@code offload.max-pending} offloads await answers. */
    boolean full() {
        return pending.size() >= config.maxPending();
    }

    int size() {
        return pending.size();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The oldest unanswered offload, or null. */
    Sample oldest() {
        return pending.isEmpty() ? null : pending.values().iterator().next();
    }

    /** Pending offload ids, for a shutdown log line. */
    List<String> ids() {
        return List.copyOf(pending.keySet());
    }

    Duration deadline() {
        return config.deadline();
    }
}
