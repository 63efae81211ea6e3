package io.splitee.device.status;

import io.splitee.lifecycle.Threads;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's status, fed by the daemon (from its worker, answers and main threads: every method is
 * cheap and never blocks) and told to {@link StatusListener}s on its own thread
 * {@code splitee-<device>-status}. {@link #snapshot()} may be called from any thread.
 *
 * <p>The state is derived: {@link DeviceState#STOPPED}, {@link DeviceState#STOPPING} and
 * {@link DeviceState#ERROR} once entered; else {@link DeviceState#OVERLOADED} within
 * {@value #OVERLOADED_FOR_MS} ms of an {@code overloaded} answer; else {@link DeviceState#FALLBACK} while the
 * gateway is not trusted; else {@link DeviceState#SERVING} once started. The clock is injected.
 */
public final class DeviceStatus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStatus.class);
    /** How long an {@code overloaded} answer keeps the state {@link DeviceState#OVERLOADED}. */
    public static final long OVERLOADED_FOR_MS = 1000;
    /** Events waiting for the status thread beyond this are dropped (and counted): the worker never waits. */
    static final int MAX_PENDING_EVENTS = 4096;

    private final String device;
    private final String policy;
    private final LongSupplier nanos;
    private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor events;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLongArray armPlays;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong answeredOnDevice = new AtomicLong();
    private final AtomicLong offloaded = new AtomicLong();
    private final AtomicLong overloaded = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile int currentArm = -1;
    private volatile boolean gatewayUp = true;
    private volatile boolean started;
    private volatile DeviceState terminal;
    private volatile boolean everOverloaded;
    private volatile long overloadedAtNanos;
    /** The state last told to listeners; only the status thread touches it after construction. */
    private DeviceState told = DeviceState.STARTING;

    /**
     * @param device the device id (names the thread)
     * @param policy the policy spec
     * @param arms   live arms 0..arms
     * @param nanos  the clock
     */
    public DeviceStatus(String device, String policy, int arms, LongSupplier nanos) {
        this.device = Objects.requireNonNull(device, "device");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.armPlays = new AtomicLongArray(arms + 1);
        this.events = new ScheduledThreadPoolExecutor(1, Threads.factory("splitee-" + device + "-status", true));
        this.events.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Adds a listener; it is told the current state at once (on the status thread). */
    public void addListener(StatusListener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
        Status now = snapshot();
        post(() -> safely(l, x -> x.stateChanged(now)));
    }

    /** Removes a listener. */
    public void removeListener(StatusListener l) {
        listeners.remove(l);
    }

    /** The current status. */
    public Status snapshot() {
        int most = -1;
        long best = 0;
        for (int a = 0; a < armPlays.length(); a++) {
            long n = armPlays.get(a);
            if (n > best) {
                best = n;
                most = a;
            }
        }
        return new Status(device, state(), policy, new Status.Arms(currentArm, most), new Status.Counts(samples.get(),
                answeredOnDevice.get(), offloaded.get(), overloaded.get(), errors.get()), gatewayUp);
    }

    /** The current state. */
    public DeviceState state() {
        DeviceState t = terminal;
        if (t != null) {
            return t;
        }
        if (!started) {
            return DeviceState.STARTING;
        }
        if (everOverloaded && nanos.getAsLong() - overloadedAtNanos < OVERLOADED_FOR_MS * 1_000_000L) {
            return DeviceState.OVERLOADED;
        }
        return gatewayUp ? DeviceState.SERVING : DeviceState.FALLBACK;
    }

    /** Events dropped because the status thread fell behind. */
    public long droppedEvents() {
        return dropped.get();
    }

    // ------------------------------------------------------------------------------------- fed by the daemon

    /** The daemon serves. */
    public void serving() {
        started = true;
        changed();
    }

    /** A sample was taken in. */
    public void sample() {
        samples.incrementAndGet();
    }

    /** Live arm {@code arm} was played. */
    public void armPlayed(int arm) {
        currentArm = arm;
        if (arm >= 0 && arm < armPlays.length()) {
            armPlays.incrementAndGet(arm);
        }
    }

    /** A sample was answered, on the device or not. */
    public void answered(boolean onDevice) {
        if (onDevice) {
            answeredOnDevice.incrementAndGet();
        }
        Status now = snapshot();
        post(() -> {
            tellIfChanged(now);
            for (StatusListener l : listeners) {
                safely(l, x -> x.answered(now));
            }
        });
    }

    /** An offload (or probe) left from live arm {@code arm}. */
    public void offloaded(int arm) {
        offloaded.incrementAndGet();
        post(() -> {
            for (StatusListener l : listeners) {
                safely(l, x -> x.offloaded(arm));
            }
        });
    }

    /** A sample was answered {@code overloaded}. */
    public void overloaded() {
        overloaded.incrementAndGet();
        overloadedAtNanos = nanos.getAsLong();
        everOverloaded = true;
        changed();
        try { // and tell the way back once it has passed, even if nothing else happens meanwhile
            events.schedule(this::changed, OVERLOADED_FOR_MS + 10, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
        }
    }

    /** A sample was answered {@code error}. */
    public void error() {
        errors.incrementAndGet();
    }

    /** Whether the gateway is trusted: false while offloading is paused. */
    public void gateway(boolean up) {
        if (gatewayUp != up) {
            gatewayUp = up;
            changed();
        }
    }

    /** The worker failed. */
    public void failed() {
        terminal = DeviceState.ERROR;
        changed();
    }

    /** A graceful stop began. */
    public void stopping() {
        if (terminal == null) {
            terminal = DeviceState.STOPPING;
            changed();
        }
    }

    /** Stopped; the listeners are told, then the status thread ends. Idempotent. */
    @Override
    public void close() {
        if (terminal != DeviceState.ERROR) {
            terminal = DeviceState.STOPPED;
        }
        changed();
        events.shutdown();
        try {
            if (!events.awaitTermination(2, TimeUnit.SECONDS)) {
                events.shutdownNow();
            }
        } catch (InterruptedException e) {
            events.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Tells the state as it is now, in the caller's order, so that no change is skipped. */
    private void changed() {
        Status now = snapshot();
        post(() -> tellIfChanged(now));
    }

    /** On the status thread. */
    private void tellIfChanged(Status now) {
        if (now.state() != told) {
            told = now.state();
            for (StatusListener l : listeners) {
                safely(l, x -> x.stateChanged(now));
            }
        }
    }

    private void post(Runnable r) {
        if (pending.incrementAndGet() > MAX_PENDING_EVENTS) {
            pending.decrementAndGet();
            dropped.incrementAndGet(); // the status thread fell behind: never block or grow without bound
            return;
        }
        try {
            events.execute(() -> {
                pending.decrementAndGet();
                r.run();
            });
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            dropped.incrementAndGet(); // closed
        }
    }

    private static void safely(StatusListener l, Consumer<StatusListener> call) {
        try {
            call.accept(l);
        } catch (RuntimeException e) {
            LOG.warn("status listener {} failed: {}", l, e.toString());
        }
    }
}
