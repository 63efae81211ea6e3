package io.splitee.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.testenv.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The decisions, on a clock of the test's: a recording {@link ServiceManager} stands in for systemd (the real
 * one is tested on a real socket in {@link ServiceManagerTest}); the ticks are called directly, no thread runs.
 */
class ServiceNotifierTest {
    static final long MS = 1_000_000L;

    /** Records what it is told. */
    static final class Recorder implements ServiceManager {
        final List<String> sent = new ArrayList<>();
        final Optional<Duration> watchdog;
        boolean closed;

        Recorder(Duration watchdog) {
            this.watchdog = Optional.ofNullable(watchdog);
        }

        @Override
        public synchronized void notify(String assignments) {
            sent.add(assignments);
        }

        @Override
        public Optional<Duration> watchdogInterval() {
            return watchdog;
        }

        @Override
        public boolean listening() {
            return true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    final AtomicLong now = new AtomicLong(1_000 * MS);
    final Heartbeats heartbeats = new Heartbeats(now::get);

    @Test
    void pingsOnlyWhileEveryLoopBeatWithinHalfTheInterval() {
        Recorder systemd = new Recorder(Duration.ofSeconds(2)); // pings due every second
        Heartbeat w1 = heartbeats.register("worker-1");
        Heartbeat w2 = heartbeats.register("worker-2");
        ServiceNotifier n = new ServiceNotifier(systemd, heartbeats, () -> "serving");
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN, LogCapture.Level.INFO),
                ServiceNotifier.class)) {
            assertTrue(n.watchdogTick(), "just registered: alive");
            now.addAndGet(900 * MS);
            w1.beat();
            assertTrue(n.watchdogTick(), "worker-2 last beat 900 ms ago, within 1 s");
            now.addAndGet(200 * MS);
            assertFalse(n.watchdogTick(), "worker-2 silent for 1.1 s: stuck in a run, so no ping");
            assertFalse(n.watchdogTick());
            assertEquals(1, log.count(LogCapture.Level.WARN, "a worker loop is not alive (worker-2 last beat 1100 ms ago)"),
                    "warned once per episode: " + log);
            w1.beat();
            w2.beat();
            assertTrue(n.watchdogTick(), "both beat again: pings resume");
            assertEquals(1, log.count(LogCapture.Level.INFO, "alive again"));
        }
        assertEquals(List.of("WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"), systemd.sent);
    }

    @Test
    void noLoopRegisteredMeansNoPingAndNoWatchdogMeansNoPing() {
        Recorder systemd = new Recorder(Duration.ofSeconds(2));
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN), ServiceNotifier.class)) {
            assertFalse(new ServiceNotifier(systemd, heartbeats, () -> "x").watchdogTick(), "nothing vouches");
            assertEquals(1, log.count(LogCapture.Level.WARN, "no worker loop registered"));
        }
        heartbeats.register("w");
        assertFalse(new ServiceNotifier(new Recorder(null), heartbeats, () -> "x").watchdogTick(),
                "WATCHDOG_USEC unset: no pings");
        assertEquals(List.of(), systemd.sent);
    }

    @Test
    void readyCarriesTheStatusAndLaterLinesAreSentOnlyWhenTheyChange() {
        Recorder systemd = new Recorder(null);
        AtomicReference<String> line = new AtomicReference<>("serving: 0 samples");
        ServiceNotifier n = new ServiceNotifier(systemd, heartbeats, line::get);
        n.sendReady();
        assertFalse(n.statusTick(), "unchanged");
        line.set("serving: 5 samples, 60% on device, gateway up");
        assertTrue(n.statusTick());
        assertFalse(n.statusTick());
        line.set("fallback: 9 samples, 100% on device, gateway down");
        assertTrue(n.statusTick());
        assertEquals(List.of("READY=1\nSTATUS=serving: 0 samples", "STATUS=serving: 5 samples, 60% on device, gateway up",
                "STATUS=fallback: 9 samples, 100% on device, gateway down"), systemd.sent);
    }

    @Test
    void stoppingIsTheLastThingSent() {
        Recorder systemd = new Recorder(Duration.ofSeconds(2));
        heartbeats.register("w");
        AtomicReference<String> line = new AtomicReference<>("a");
        ServiceNotifier n = new ServiceNotifier(systemd, heartbeats, line::get);
        n.sendReady();
        n.stopping("stopping: answering 3 queued");
        n.stopping("again");
        line.set("b");
        assertFalse(n.statusTick());
        assertFalse(n.watchdogTick(), "systemd stops watching a stopping service; so do we");
        n.close();
        n.close();
        assertTrue(systemd.closed, "the notifier owns the manager");
        assertEquals(List.of("READY=1\nSTATUS=a", "STOPPING=1\nSTATUS=stopping: answering 3 queued"), systemd.sent);
    }

    @Test
    void withoutAServiceManagerNoThreadStarts() {
        long before = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("notifier-none")).count();
        try (ServiceNotifier n = ServiceNotifier.ready(ServiceManager.NONE, heartbeats, () -> "x", "notifier-none")) {
            n.stopping("y");
            assertEquals(before, Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("notifier-none")).count());
        }
    }

    @Test
    void aStartedNotifierPingsFromItsNamedThread() throws Exception {
        Recorder systemd = new Recorder(Duration.ofMillis(200));
        Heartbeats live = Heartbeats.system();
        Heartbeat w = live.register("w");
        try (ServiceNotifier n = ServiceNotifier.ready(systemd, live, () -> "x", "notifier-test")) {
            long end = System.nanoTime() + 10_000 * MS;
            while (systemd.sent.stream().filter("WATCHDOG=1"::equals).count() < 3 && System.nanoTime() < end) {
                w.beat();
                Thread.sleep(20);
            }
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("notifier-test")));
        }
        synchronized (systemd) {
            assertEquals("READY=1\nSTATUS=x", systemd.sent.get(0));
            assertTrue(systemd.sent.stream().filter("WATCHDOG=1"::equals).count() >= 3, systemd.sent.toString());
        }
    }
}
