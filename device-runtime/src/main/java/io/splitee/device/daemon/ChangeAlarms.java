package io.splitee.device.daemon;

import io.micrometer.core.instrument.Counter;
import io.splitee.engine.Policy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy's change-detector alarms ({@code detect=ph}) made visible: after each recorded outcome the worker
 * compares the policy's {@link Policy#changesDetected()} with the count it last saw; a rise is logged at INFO and
 * counted in {@code splitee.device.policy.changes.detected}. A policy replaced by a reset, or a restored one, is
 * watched from its own count ({@link #watch}), so a replacement neither lowers nor counts anything twice. Worker
 * thread only, except {@link #rounds()}.
 */
final class ChangeAlarms {
    /** How many of the latest alarms' rounds {@link #rounds()} keeps. */
    static final int KEPT = 100;
    private static final Logger LOG = LoggerFactory.getLogger(ChangeAlarms.class);

    private final Counter counter;
    private final String deviceId;
    /** The watched policy's count when last seen. */
    private long seen;
    /** The policy rounds of the latest alarms, oldest first (guarded by itself). */
    private final Deque<Long> rounds = new ArrayDeque<>();

    /** @param counter the daemon's {@code splitee.device.policy.changes.detected} */
    ChangeAlarms(Counter counter, String deviceId) {
        this.counter = counter;
        this.deviceId = deviceId;
    }

    /** From now on {@code policy} is the one recorded into (made, restored, or the fresh one of a reset). */
    void watch(Policy policy) {
        seen = policy.changesDetected();
    }

    /** After an outcome was recorded into {@code policy}, the watched one: counts and logs the alarms it fired. */
    void recorded(Policy policy) {
        long now = policy.changesDetected();
        long fired = now - seen;
        seen = now;
        if (fired <= 0) {
            return;
        }
        counter.increment(fired);
        long round = policy.lastChangeRound();
        synchronized (rounds) {
            if (rounds.size() == KEPT) {
                rounds.removeFirst();
            }
            rounds.addLast(round);
        }
        LOG.info("device {}: the policy's change detector fired at policy round {} ({} alarm(s) since the policy was "
                        + "made or restored); the policy restarted its statistics and learns the arms again",
                deviceId, round, now);
    }

    /** The policy rounds at which the latest alarms (at most {@link #KEPT}) fired, oldest first; any thread. */
    List<Long> rounds() {
        synchronized (rounds) {
            return List.copyOf(rounds);
        }
    }
}
