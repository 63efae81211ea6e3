package io.splitee.device.daemon;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether the gateway may be offloaded to, from what its answers and silences said so far. One owner
 * (the worker thread); the clock is injected; no threads.
 *
 * <ul>
 *   <li><b>Open</b> after {@value #OPEN_AFTER_MISSES} deadline misses in a row: samples that would
 *       offload are finished on the device until the gateway answers again.</li>
 *   <li><b>Suspect</b> while the oldest unanswered offload is overdue: older than 4 × the expected
 *       round trip (smoothed round trip plus the gateway's time; at least 50 ms, at most half the
 *       deadline), once {@value #ESTIMATE_AFTER_ANSWERS} offloads were answered (the first answers
 *       include the gateway's warm-up). A gateway that went away is noticed after a few samples
 *       rather than after a whole deadline's worth of them.</li>
 *   <li>Several gateways share the offloads (a shared subscription): when one dies, the broker keeps
 *       routing some frames to its session until that expires, and those go unanswered while the others
 *       answer. So an offload that is overdue or missed its deadline counts neither as suspect nor as a
 *       miss in a row once an offload sent after it was answered: some gateway is healthy, and
 *       offloading goes on.</li>
 *   <li><b>Probe</b> due when nothing was offloaded for the probe interval; while the link has not been
 *       measured yet, after {@link #WARM_UP_PROBE_INTERVAL} (or the probe interval, if shorter).</li>
 *   <li>The first answer (offload or probe) closes it; a gateway that answers with an error shows
 *       the link works and resets the misses too.</li>
 * </ul>
 */
final class GatewayBreaker {
    static final int OPEN_AFTER_MISSES = 3;
    static final int ESTIMATE_AFTER_ANSWERS = 3;
    /**
     * The probe interval while the link is unmeasured. The cost estimates skip the first
     * {@code CostEstimates.WARM_UP_OFFLOADS} answers (probes included) as start-up; a learner that starts on an
     * arm that keeps every sample on the device otherwise measures the link only by the 10 s probes, so it priced
     * offloads with the assumed link for the whole of a 2-minute demo (measured: link estimate exactly the
     * assumed 10 ms and 1,000 B/ms at the end of runs whose policy never offloaded). At 100 ms the warm-up's
     * answers come within about 3 s of start-up, at a few kB per probe.
     */
    static final Duration WARM_UP_PROBE_INTERVAL = Duration.ofMillis(100);

    private final Duration deadline;
    private final Duration probeInterval;
    private final LongSupplier nanos;
    private int consecutiveMisses;
    private long answered;
    private long lastSentNanos;
    /** When the latest-sent offload that was answered was sent (Long.MIN_VALUE: none yet). */
    private long latestAnsweredSentNanos = Long.MIN_VALUE;

    GatewayBreaker(Duration deadline, Duration probeInterval, LongSupplier nanos) {
        this.deadline = deadline;
        this.probeInterval = probeInterval;
        this.nanos = nanos;
        this.lastSentNanos = nanos.getAsLong();
    }

    /** An offload or probe was sent now. */
    void sent() {
        lastSentNanos = nanos.getAsLong();
    }

    /**
     * An offload sent at {@code sentNanos} missed its deadline. It does not count as a miss in a row when an
     * offload sent after it was answered (another gateway of the group is healthy).
     *
     * @return whether this miss opened the breaker
     */
    boolean missed(long sentNanos) {
        if (answeredAfter(sentNanos)) {
            return false;
        }
        return ++consecutiveMisses == OPEN_AFTER_MISSES;
    }

    /**
     * The gateway answered an offload or a probe sent at {@code sentNanos}.
     *
     * @return whether the breaker was open until now
     */
    boolean answered(long sentNanos) {
        boolean wasOpen = open();
        answered++;
        consecutiveMisses = 0;
        if (latestAnsweredSentNanos == Long.MIN_VALUE || sentNanos - latestAnsweredSentNanos > 0) {
            latestAnsweredSentNanos = sentNanos;
        }
        return wasOpen;
    }

    /** The gateway answered, but could not help (error, overloaded): the link works. */
    void refused() {
        consecutiveMisses = 0;
    }

    /** Whether offloading is paused by misses in a row. */
    boolean open() {
        return consecutiveMisses >= OPEN_AFTER_MISSES;
    }

    /**
     * Whether the oldest unanswered offload, sent at {@code oldestSentNanos}, is overdue.
     *
     * @param expectedRoundTripMs smoothed round trip plus the gateway's time for that offload
     */
    boolean suspect(long oldestSentNanos, double expectedRoundTripMs) {
        if (answered < ESTIMATE_AFTER_ANSWERS) {
            return false; // no estimate yet: the deadline rules
        }
        if (answeredAfter(oldestSentNanos)) {
            return false; // a later offload was answered: some gateway is healthy
        }
        double expectedMs = 4 * expectedRoundTripMs;
        long limit = (long) Math.min(Math.max(expectedMs, 50) * 1e6, deadline.toNanos() / 2.0);
        return nanos.getAsLong() - oldestSentNanos > limit;
    }

    /** Whether an offload sent after {@code sentNanos} was answered. */
    private boolean answeredAfter(long sentNanos) {
        return latestAnsweredSentNanos != Long.MIN_VALUE && latestAnsweredSentNanos - sentNanos > 0;
    }

    /** Whether nothing was sent for the probe interval. */
    boolean probeDue() {
        return probeDue(true);
    }

    /**
     * Whether a probe is due: nothing was sent for the probe interval, or, while {@code linkMeasured} is false,
     * for {@link #WARM_UP_PROBE_INTERVAL} (never longer than the probe interval).
     */
    boolean probeDue(boolean linkMeasured) {
        Duration interval = linkMeasured || WARM_UP_PROBE_INTERVAL.compareTo(probeInterval) > 0
                ? probeInterval : WARM_UP_PROBE_INTERVAL;
        return nanos.getAsLong() - lastSentNanos >= interval.toNanos();
    }
}
