package io.splitee.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.posix.UnixDatagramListener;
import io.splitee.testenv.LogCapture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment systemd sets, and real datagrams on a real socket bound here (systemd's side). */
class ServiceManagerTest {
    @TempDir
    Path dir;

    @Test
    void withoutNotifySocketNothingIsSentAndNoWatchdogRuns() {
        assertSame(ServiceManager.NONE, ServiceManager.fromEnvironment(Map.of(), 42));
        ServiceManager m = ServiceManager.fromEnvironment(Map.of("WATCHDOG_USEC", "30000000", "NOTIFY_SOCKET", ""), 42);
        assertSame(ServiceManager.NONE, m, "a watchdog without a socket to ping is no watchdog");
        assertFalse(m.listening());
        assertEquals(Optional.empty(), m.watchdogInterval());
        m.ready("serving");
        m.watchdog();
        m.stopping("stopping");
        m.close();
        m.close();
    }

    @Test
    void sendsToAPathSocket() throws IOException {
        String path = dir.resolve("notify").toString();
        try (UnixDatagramListener systemd = UnixDatagramListener.bind(path);
             ServiceManager m = ServiceManager.fromEnvironment(Map.of("NOTIFY_SOCKET", path), 42)) {
            assertTrue(m.listening());
            m.ready("serving: 0 samples\nsecond line");
            m.status("serving: 3 samples");
            m.watchdog();
            m.stopping("stopping");
            Duration t = Duration.ofSeconds(5);
            assertEquals(Optional.of("READY=1\nSTATUS=serving: 0 samples; second line"), systemd.receive(t),
                    "a status is one line: a line break would end the assignment");
            assertEquals(Optional.of("STATUS=serving: 3 samples"), systemd.receive(t));
            assertEquals(Optional.of("WATCHDOG=1"), systemd.receive(t));
            assertEquals(Optional.of("STOPPING=1\nSTATUS=stopping"), systemd.receive(t));
            m.close();
            m.watchdog(); // after close: nothing, no failure
            assertEquals(Optional.empty(), systemd.receive(Duration.ofMillis(200)));
        }
    }

    @Test
    void sendsToAnAbstractSocket() throws IOException {
        String name = "@splitee-notify-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (UnixDatagramListener systemd = UnixDatagramListener.bind(name);
             ServiceManager m = ServiceManager.fromEnvironment(Map.of("NOTIFY_SOCKET", name), 42)) {
            m.ready("up");
            assertEquals(Optional.of("READY=1\nSTATUS=up"), systemd.receive(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aSocketNoOneListensOnWarnsOnceAndNeverThrows() {
        String path = dir.resolve("gone").toString();
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN), SystemdNotify.class);
             ServiceManager m = ServiceManager.fromEnvironment(Map.of("NOTIFY_SOCKET", path), 42)) {
            m.ready("up");
            m.watchdog();
            m.watchdog();
            assertEquals(1, log.count(LogCapture.Level.WARN, "cannot notify the service manager at " + path), log.toString());
        }
    }

    @Test
    void theWatchdogIsOursOnlyWhenWatchdogPidIsUnsetOrThisProcess() {
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN), SystemdNotify.class)) {
            assertEquals(Optional.of(Duration.ofSeconds(30)), watchdog(Map.of("WATCHDOG_USEC", "30000000")));
            assertEquals(Optional.of(Duration.ofMillis(1500)),
                    watchdog(Map.of("WATCHDOG_USEC", "1500000", "WATCHDOG_PID", "42")));
            assertEquals(Optional.empty(), watchdog(Map.of("WATCHDOG_USEC", "1500000", "WATCHDOG_PID", "7")),
                    "another process's watchdog (a shell between systemd and the JVM)");
            assertEquals(Optional.empty(), watchdog(Map.of()));
            assertEquals(Optional.empty(), watchdog(Map.of("WATCHDOG_USEC", "soon")));
            assertEquals(Optional.empty(), watchdog(Map.of("WATCHDOG_USEC", "0")));
            assertEquals(2, log.count(LogCapture.Level.WARN, "is not a positive number of microseconds"));
        }
    }

    @Test
    void anAddressSystemdMayUseButThisCannotIsIgnoredWithAWarning() {
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN), SystemdNotify.class)) {
            assertSame(ServiceManager.NONE, ServiceManager.fromEnvironment(Map.of("NOTIFY_SOCKET", "vsock:2:1234"), 42));
            assertEquals(1, log.count(LogCapture.Level.WARN, "NOTIFY_SOCKET=vsock:2:1234 is neither a path nor @name"));
        }
    }

    private Optional<Duration> watchdog(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("NOTIFY_SOCKET", dir.resolve("n").toString());
        try (ServiceManager m = ServiceManager.fromEnvironment(all, 42)) {
            return m.watchdogInterval();
        }
    }
}
