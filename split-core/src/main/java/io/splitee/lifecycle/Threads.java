package io.splitee.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * Named threads and waiting on them, so that every thread a component starts says whose it is: a thread
 * dump or a per-thread CPU breakdown then reads without guessing.
 */
public final class Threads {
    private Threads() {
    }

    /**
     * A factory whose first thread is called {@code name} and the following ones {@code name-2},
     * {@code name-3}, and so on (a single-thread executor that replaces a dead thread gets {@code name-2}).
     *
     * @param daemon whether the threads are daemons (they do not keep the JVM alive); the component that
     *               owns them still ends them on its {@code close()}
     */
    public static ThreadFactory factory(String name, boolean daemon) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("thread name must not be blank");
        }
        AtomicInteger created = new AtomicInteger();
        return r -> {
            int n = created.incrementAndGet();
            Thread t = new Thread(r, n == 1 ? name : name + "-" + n);
            t.setDaemon(daemon);
            return t;
        };
    }

    /**
     * Waits for a shut-down executor's threads to end, and warns on {@code log} if they do not within
     * {@code timeout}. An interrupt ends the wait and stays set.
     *
     * @return whether they ended
     */
    public static boolean awaitTermination(ExecutorService executor, Duration timeout, Logger log) {
        try {
            if (executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            log.warn("a thread did not stop within {}", timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Sleeps; an interrupt ends the sleep early and stays set. */
    public static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
