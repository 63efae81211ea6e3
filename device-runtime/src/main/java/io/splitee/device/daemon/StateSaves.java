package io.splitee.device.daemon;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the engine's state is saved: after {@code state.save-every} outcomes recorded since the last save, and
 * once {@code state.save-interval} has passed since the last save of any kind (the timer asks). A device killed
 * between two saves thus loses at most {@code state.save-every} outcomes and at most one interval. One owner (the
 * worker thread); clock injected; no threads.
 */
final class StateSaves {
    private final int every;
    private final long intervalNanos;
    private final LongSupplier nanos;
    private int recorded;
    private long lastSave;

    /**
     * @param every    {@code state.save-every}: outcomes recorded between two saves, at least 1
     * @param interval {@code state.save-interval}: the longest time between two saves, positive
     * @param nanos    the clock
     */
    StateSaves(int every, Duration interval, LongSupplier nanos) {
        if (every < 1) {
            throw new IllegalArgumentException("state.save-every must be at least 1, got " + every);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("state.save-interval must be positive, got " + interval);
        }
        this.every = every;
        this.intervalNanos = interval.toNanos();
        this.nanos = nanos;
        this.lastSave = nanos.getAsLong();
    }

    /** One outcome recorded: whether the state is to be saved now (it then counts as saved). */
    boolean recorded() {
        if (++recorded < every) {
            return false;
        }
        saved();
        return true;
    }

    /** The timer's tick: whether the interval has passed since the last save (it then counts as saved). */
    boolean timeDue() {
        if (nanos.getAsLong() - lastSave < intervalNanos) {
            return false;
        }
        saved();
        return true;
    }

    /** A save made for another reason (start, the button's reset): both counts start again. */
    void saved() {
        recorded = 0;
        lastSave = nanos.getAsLong();
    }

    /** Outcomes recorded since the last save. */
    int sinceLastSave() {
        return recorded;
    }

    /** How often the timer should ask: often enough that a save is at most a second late, at most the interval. */
    static Duration tick(Duration interval) {
        return interval.compareTo(Duration.ofSeconds(1)) < 0 ? interval : Duration.ofSeconds(1);
    }
}
