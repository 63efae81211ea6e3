package io.splitee.device.daemon;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Whether samples arrive faster than the device computes them, for longer than {@code queue.overload.after}.
 * The broker holds what the device cannot take yet (the device's Receive Maximum is {@code queue.size}), so a
 * full window alone means a backlog, not an overload: a camera's backlog after an outage is computed. Only a
 * window held at least half full without a break for longer than the configured time is taken as a rate
 * above capacity: the samples taken then are answered {@code overloaded} until the held samples fall below half
 * the window (the broker's backlog is gone). One owner (the worker thread); clock and count injected; no
 * threads.
 */
final class Backlog {
    private final long overloadAfterNanos;
    private final Duration overloadAfter;
    private final int halfWindow;
    private final IntSupplier held;
    private final LongSupplier nanos;
    /** When the window was last seen going at least half full, or -1 while it is not. */
    private long fullSince = -1;

    /**
     * @param overloadAfter {@code queue.overload.after}
     * @param window        the Receive Maximum the device announces
     * @param held          QoS 1 messages delivered to the device and not acknowledged yet
     * @param nanos         the clock
     */
    Backlog(Duration overloadAfter, int window, IntSupplier held, LongSupplier nanos) {
        if (overloadAfter.isNegative() || overloadAfter.isZero()) {
            throw new IllegalArgumentException("queue.overload.after must be positive, got " + overloadAfter);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        this.overloadAfter = overloadAfter;
        this.overloadAfterNanos = overloadAfter.toNanos();
        this.halfWindow = Math.max(1, window / 2);
        this.held = held;
        this.nanos = nanos;
    }

    /** As the worker takes a sample from the broker: whether to answer it {@code overloaded} instead. */
    boolean shed() {
        long now = nanos.getAsLong();
        if (held.getAsInt() < halfWindow) {
            fullSince = -1;
            return false;
        }
        if (fullSince < 0) {
            fullSince = now;
        }
        return now - fullSince > overloadAfterNanos;
    }

    /** The configured time. */
    Duration overloadAfter() {
        return overloadAfter;
    }

    /** Half the window: the held samples that count as a backlog. */
    int halfWindow() {
        return halfWindow;
    }
}
