package io.splitee.lifecycle;

import io.splitee.posix.UnixDatagramSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's notification protocol: each notification is one datagram on the {@code AF_UNIX} socket named by
 * {@code NOTIFY_SOCKET}. The socket is opened at the first notification; when it cannot be opened (no native
 * access here) or a send fails, the first failure is a warning and the rest are logged at debug level.
 */
final class SystemdNotify implements ServiceManager {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);

    private final String address;
    private final Optional<Duration> watchdog;
    private UnixDatagramSocket socket;
    private boolean warned;
    private boolean closed;

    private SystemdNotify(String address, Optional<Duration> watchdog) {
        this.address = address;
        this.watchdog = watchdog;
    }

    /** A notifier for {@code address}; {@link ServiceManager#NONE} if it is neither a path nor {@code @name}. */
    static ServiceManager create(String address, Optional<Duration> watchdog) {
        Objects.requireNonNull(watchdog, "watchdog");
        if (!address.startsWith("/") && !address.startsWith("@")) {
            LOG.warn("NOTIFY_SOCKET={} is neither a path nor @name; not notifying the service manager", address);
            return NONE;
        }
        return new SystemdNotify(address, watchdog);
    }

    /**
     * The watchdog interval of {@code WATCHDOG_USEC} if it is meant for process {@code pid} ({@code WATCHDOG_PID}
     * unset or equal to it).
     */
    static Optional<Duration> watchdog(String usec, String watchdogPid, long pid) {
        if (usec == null || usec.isEmpty()) {
            return Optional.empty();
        }
        if (watchdogPid != null && !watchdogPid.isEmpty() && !watchdogPid.equals(Long.toString(pid))) {
            LOG.debug("WATCHDOG_PID={} is not this process ({}); no watchdog", watchdogPid, pid);
            return Optional.empty();
        }
        long micros;
        try {
            micros = Long.parseLong(usec);
        } catch (NumberFormatException e) {
            micros = -1;
        }
        if (micros <= 0) {
            LOG.warn("WATCHDOG_USEC={} is not a positive number of microseconds; no watchdog", usec);
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.multiplyExact(micros, 1000L)));
    }

    @Override
    public synchronized void notify(String assignments) {
        if (closed) {
            return;
        }
        try {
            if (socket == null) {
                socket = UnixDatagramSocket.open();
            }
            socket.send(address, assignments.getBytes(StandardCharsets.UTF_8));
            LOG.debug("notified {}: {}", address, assignments.replace('\n', ' '));
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot notify the service manager at {} ({}); further failures are logged at debug level",
                        address, e.getMessage());
            } else {
                LOG.debug("cannot notify the service manager at {}: {}", address, e.getMessage());
            }
        }
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
    public synchronized void close() {
        closed = true;
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

    @Override
    public String toString() {
        return "systemd at " + address + watchdog.map(w -> ", watchdog " + w).orElse("");
    }
}
