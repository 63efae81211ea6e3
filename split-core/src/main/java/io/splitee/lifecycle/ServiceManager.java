package io.splitee.lifecycle;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The service manager the process runs under, told what the process is doing: systemd's notification protocol
 * ({@code sd_notify(3)}) where systemd started the process with {@code NOTIFY_SOCKET} set ({@code Type=notify}),
 * otherwise nothing ({@link #NONE}). Each call sends one datagram of newline-separated assignments; a failed send
 * is logged (the first as a warning) and never stops the caller. Implementations are thread-safe.
 */
public interface ServiceManager extends AutoCloseable {

    /** Nothing to tell: no service manager listens. */
    ServiceManager NONE = new ServiceManager() {
        @Override
        public void notify(String assignments) {
        }

        @Override
        public Optional<Duration> watchdogInterval() {
            return Optional.empty();
        }

        @Override
        public boolean listening() {
            return false;
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "no service manager";
        }
    };

    /**
     * The service manager of this process's environment: systemd at {@code NOTIFY_SOCKET}, with the watchdog of
     * {@code WATCHDOG_USEC} where {@code WATCHDOG_PID} is unset or this process; {@link #NONE} without
     * {@code NOTIFY_SOCKET}.
     */
    static ServiceManager fromEnvironment() {
        return fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * As {@link #fromEnvironment()}, from the given variables and process id. An address that is neither a path
     * nor {@code @name} (e.g. systemd's {@code vsock:}) and a watchdog interval that is not a positive number of
     * microseconds are logged and ignored.
     */
    static ServiceManager fromEnvironment(Map<String, String> env, long pid) {
        Objects.requireNonNull(env, "env");
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return NONE;
        }
        return SystemdNotify.create(socket, SystemdNotify.watchdog(env.get("WATCHDOG_USEC"), env.get("WATCHDOG_PID"),
                pid));
    }

    /** Sends {@code assignments}, e.g. {@code "READY=1\nSTATUS=serving"}. */
    void notify(String assignments);

    /** How often systemd wants {@code WATCHDOG=1} at the latest; empty when it does not watch this process. */
    Optional<Duration> watchdogInterval();

    /** Whether a service manager listens (false for {@link #NONE}). */
    boolean listening();

    /** {@code READY=1} with a {@code STATUS=} line: start-up is complete. */
    default void ready(String status) {
        notify("READY=1\nSTATUS=" + oneLine(status));
    }

    /** A {@code STATUS=} line: what the service is doing, shown by {@code systemctl status}. */
    default void status(String status) {
        notify("STATUS=" + oneLine(status));
    }

    /** {@code WATCHDOG=1}: the service is alive. */
    default void watchdog() {
        notify("WATCHDOG=1");
    }

    /** {@code STOPPING=1} with a {@code STATUS=} line: the service begins its shutdown. */
    default void stopping(String status) {
        notify("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    /** Releases the socket. Idempotent. */
    @Override
    void close();

    /** A status as one line (an assignment ends at a line break). */
    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }
}
