package io.splitee.mqtt;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/** Waiting on the transports' own threads, keeping the interrupt status; shared by both implementations. */
final class TransportThreads {
    private TransportThreads() {
    }

    /** Waits for a shut-down executor's threads to end, and warns if they do not within the timeout. */
    static void awaitTermination(ExecutorService e, Duration timeout, Logger log) {
        try {
            if (!e.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("a transport thread did not stop within {}", timeout);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
