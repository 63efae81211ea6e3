package io.splitee.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The heartbeats of a process's worker loops, owned by the service layer: it hands them to the component whose
 * loops beat, and pings the service manager's watchdog only while every one of them beat recently
 * ({@link ServiceNotifier}). A loop that hangs (blocked in a model run, a deadlock) then stops the pings and the
 * service manager restarts the process. Thread-safe.
 */
public final class Heartbeats {
    private final LongSupplier nanos;
    private final List<Heartbeat> all = new CopyOnWriteArrayList<>();

    /** @param nanos a monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass their own) */
    public Heartbeats(LongSupplier nanos) {
        this.nanos = Objects.requireNonNull(nanos, "nanos");
    }

    /** Heartbeats on {@link System#nanoTime()}. */
    public static Heartbeats system() {
        return new Heartbeats(System::nanoTime);
    }

    /** A new heartbeat, counted as beating now; its loop beats it from then on. */
    public Heartbeat register(String name) {
        Objects.requireNonNull(name, "name");
        Heartbeat h = new Heartbeat(name, nanos);
        all.add(h);
        return h;
    }

    /**
     * Why the loops are not all alive: the first heartbeat whose last beat is older than {@code maxAge}, with its
     * age; also when none is registered (nothing vouches for the process). Empty when every loop beat within
     * {@code maxAge}.
     */
    public Optional<String> stale(Duration maxAge) {
        if (all.isEmpty()) {
            return Optional.of("no worker loop registered");
        }
        long limit = maxAge.toNanos();
        for (Heartbeat h : all) {
            long age = h.ageNanos();
            if (age > limit) {
                return Optional.of(h.name() + " last beat " + Duration.ofNanos(age).toMillis() + " ms ago");
            }
        }
        return Optional.empty();
    }
}
