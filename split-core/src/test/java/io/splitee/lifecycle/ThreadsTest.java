package io.splitee.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThreadsTest {
    @Test
    void theFirstThreadHasTheNameAndTheNextOnesAreNumbered() {
        ThreadFactory f = Threads.factory("splitee-x", true);
        Thread a = f.newThread(() -> { });
        Thread b = f.newThread(() -> { });
        assertEquals("splitee-x", a.getName());
        assertEquals("splitee-x-2", b.getName());
        assertTrue(a.isDaemon());
        assertFalse(Threads.factory("splitee-y", false).newThread(() -> { }).isDaemon());
        assertThrows(IllegalArgumentException.class, () -> Threads.factory(" ", true));
        assertThrows(NullPointerException.class, () -> Threads.factory(null, true));
    }

    @Test
    void awaitTerminationSaysWhetherTheThreadsEnded() {
        ExecutorService e = Executors.newSingleThreadExecutor(Threads.factory("splitee-await", true));
        e.execute(() -> Threads.sleepQuietly(5_000));
        e.shutdown();
        assertFalse(Threads.awaitTermination(e, Duration.ofMillis(50), LoggerFactory.getLogger(ThreadsTest.class)));
        e.shutdownNow();
        assertTrue(Threads.awaitTermination(e, Duration.ofSeconds(5), LoggerFactory.getLogger(ThreadsTest.class)));
    }
}
