package io.splitee.lifecycle;

import java.util.function.LongSupplier;

/**
 * One loop's sign of life: the loop calls {@link #beat()} on every iteration, idle ones included; the service
 * layer reads the age of the last beat ({@link Heartbeats}). A plain volatile write: cheap enough for every
 * iteration. Thread-safe.
 */
public final class Heartbeat {
    private final String name;
    private final LongSupplier nanos;
    private volatile long last;

    Heartbeat(String name, LongSupplier nanos) {
        this.name = name;
        this.nanos = nanos;
        this.last = nanos.getAsLong();
    }

    /** The loop is alive now. */
    public void beat() {
        last = nanos.getAsLong();
    }

    /** Nanoseconds since the last beat (or since registration). */
    long ageNanos() {
        return nanos.getAsLong() - last;
    }

    /** The loop's name, e.g. its thread's. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
