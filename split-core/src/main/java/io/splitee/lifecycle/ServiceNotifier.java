package io.splitee.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the service manager how a running service is doing, from the service layer: {@code READY=1} when it
 * starts ({@link #ready}), its status line every {@link #STATUS_EVERY} when the line changed, {@code WATCHDOG=1}
 * at half the watchdog interval while every worker loop's {@link Heartbeat} beat within that half, and
 * {@code STOPPING=1} when the shutdown begins ({@link #stopping}), after which it sends nothing more. Without a
 * service manager ({@link ServiceManager#NONE}) it starts no thread and sends nothing.
 *
 * <p>Thread: {@code <name>} (a daemon), started by {@link #ready} and ended by {@link #close()}.
 */
public final class ServiceNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceNotifier.class);
    /** How often the status line is read; it is sent only when it changed. */
    public static final Duration STATUS_EVERY = Duration.ofSeconds(3);

    private final ServiceManager manager;
    private final Heartbeats heartbeats;
    private final Supplier<String> status;
    private ScheduledExecutorService timer;
    private String lastStatus;
    private boolean stopping;
    private boolean stale;
    private boolean closed;

    ServiceNotifier(ServiceManager manager, Heartbeats heartbeats, Supplier<String> status) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.heartbeats = Objects.requireNonNull(heartbeats, "heartbeats");
        this.status = Objects.requireNonNull(status, "status");
    }

    /**
     * Sends {@code READY=1} with the status line and, where a service manager listens, starts the thread that
     * sends the status line and the watchdog pings. Owns {@code manager} from then on (closes it).
     *
     * @param status     the service's status line, e.g. {@code serving: 1234 samples, 61% on device, gateway up};
     *                   read on the notifier's thread, so it must be cheap and thread-safe
     * @param threadName the thread's name
     */
    public static ServiceNotifier ready(ServiceManager manager, Heartbeats heartbeats, Supplier<String> status,
                                        String threadName) {
        ServiceNotifier n = new ServiceNotifier(manager, heartbeats, status);
        n.sendReady();
        if (manager.listening()) {
            n.start(threadName);
        }
        return n;
    }

    private synchronized void start(String threadName) {
        timer = Executors.newSingleThreadScheduledExecutor(Threads.factory(threadName, true));
        long statusMs = STATUS_EVERY.toMillis();
        timer.scheduleAtFixedRate(this::statusTick, statusMs, statusMs, TimeUnit.MILLISECONDS);
        watchdogPeriod().ifPresent(p -> {
            long us = Math.max(1, p.toNanos() / 1000);
            timer.scheduleAtFixedRate(this::watchdogTick, 0, us, TimeUnit.MICROSECONDS);
            LOG.info("systemd watchdog every {}: pinged every {} while the worker loops beat", 
                    manager.watchdogInterval().orElseThrow(), p);
        });
    }

    /** Half the watchdog interval: how often to ping, and how old a heartbeat may be for a ping. */
    private Optional<Duration> watchdogPeriod() {
        return manager.watchdogInterval().map(w -> w.dividedBy(2));
    }

    synchronized void sendReady() {
        lastStatus = readStatus();
        manager.ready(lastStatus);
    }

    /**
     * One watchdog tick: pings if every heartbeat beat within half the interval.
     *
     * @return whether it pinged
     */
    synchronized boolean watchdogTick() {
        Optional<Duration> period = watchdogPeriod();
        if (stopping || closed || period.isEmpty()) {
            return false;
        }
        Optional<String> why = heartbeats.stale(period.get());
        if (why.isPresent()) {
            if (!stale) {
                stale = true;
                LOG.warn("a worker loop is not alive ({}): no watchdog pings, so the service manager restarts the "
                        + "service unless it recovers within {}", why.get(), manager.watchdogInterval().orElseThrow());
            }
            return false;
        }
        if (stale) {
            stale = false;
            LOG.info("the worker loops are alive again; watchdog pings resume");
        }
        manager.watchdog();
        return true;
    }

    /**
     * One status tick: sends the status line if it changed since the last one sent.
     *
     * @return whether it sent one
     */
    synchronized boolean statusTick() {
        if (stopping || closed) {
            return false;
        }
        String now = readStatus();
        if (now.equals(lastStatus)) {
            return false;
        }
        lastStatus = now;
        manager.status(now);
        return true;
    }

    private String readStatus() {
        try {
            return String.valueOf(status.get());
        } catch (RuntimeException e) {
            LOG.debug("status line unavailable: {}", e.toString());
            return lastStatus == null ? "" : lastStatus;
        }
    }

    /**
     * Sends {@code STOPPING=1} with {@code status}: the graceful shutdown begins. No status line or watchdog ping
     * follows (systemd stops watching once the service is stopping). Idempotent.
     */
    public void stopping(String status) {
        synchronized (this) {
            if (stopping || closed) {
                return;
            }
            stopping = true;
        }
        manager.stopping(status);
    }

    /** Stops the thread and closes the service manager's socket. Idempotent. */
    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = timer;
        }
        if (t != null) {
            t.shutdownNow();
            Threads.awaitTermination(t, Duration.ofSeconds(2), LOG);
        }
        manager.close();
    }
}
