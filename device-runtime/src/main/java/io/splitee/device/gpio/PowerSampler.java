package io.splitee.device.gpio;

import io.splitee.device.cost.EnergyEstimates;
import io.splitee.lifecycle.Threads;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The power thread {@code splitee-<device>-power}: reads the sensor every {@code power.sample-interval} into a
 * {@link PowerTrace}, measures the idle power (over the first {@value #BASELINE_MS} ms, then refreshed slowly from
 * readings taken while the worker has been idle for {@link EnergyEstimates#IDLE_AFTER_NANOS}), and settles the
 * worker's compute intervals into the {@link EnergyEstimates} as the readings come to cover them. All I²C
 * transfers happen here: the worker never waits for the bus.
 */
final class PowerSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PowerSampler.class);
    /** The idle power measured first, before the estimates are settled. */
    static final long BASELINE_MS = 300;
    /** Weight of one idle reading in the refreshed idle power (a slow drift, over a few hundred readings). */
    static final double IDLE_WEIGHT = 0.01;
    /** Every register (voltages and current, for the metrics) is read every this many readings; else power only. */
    static final int FULL_READ_EVERY = 50;
    /** Readings held: seconds of history at the default 2 ms; older intervals cannot be priced. */
    static final int TRACE = 4096;

    private final Ina219 sensor;
    private final EnergyEstimates energy;
    private final long intervalNanos;
    private final LongSupplier nanos;
    private final PowerTrace trace = new PowerTrace(TRACE);
    private final Thread thread;
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean closed;
    private volatile double watts = Double.NaN;
    private volatile double idleWatts = Double.NaN;
    private volatile Ina219.Reading full;

    /**
     * @param device   the device id (names the thread)
     * @param sensor   the started sensor
     * @param energy   the estimates the readings settle
     * @param interval time between readings
     * @param nanos    the clock of the worker's compute intervals
     */
    PowerSampler(String device, Ina219 sensor, EnergyEstimates energy, Duration interval, LongSupplier nanos) {
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.energy = Objects.requireNonNull(energy, "energy");
        this.intervalNanos = interval.toNanos();
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.thread = Threads.factory("splitee-" + device + "-power", true).newThread(this::run);
    }

    void start() {
        thread.start();
    }

    /** The latest power in W (NaN before the first reading). */
    double watts() {
        return watts;
    }

    /** The idle power in W (NaN until measured). */
    double idleWatts() {
        return idleWatts;
    }

    /** The latest full reading (null before the first). */
    Ina219.Reading full() {
        return full;
    }

    /** Failed readings. */
    long failures() {
        return failures.get();
    }

    private void run() {
        long started = nanos.getAsLong();
        long next = started;
        double baselineSum = 0;
        int baselineCount = 0;
        long n = 0;
        while (running) {
            try {
                long before = nanos.getAsLong();
                double w;
                if (n++ % FULL_READ_EVERY == 0) {
                    Ina219.Reading r = sensor.read();
                    full = r;
                    w = r.watts();
                    if (r.overflow() && failures.get() == 0) {
                        LOG.warn("power sensor overflow: current above power.max-current? ({})", r);
                    }
                } else {
                    w = sensor.watts();
                }
                long at = before + (nanos.getAsLong() - before) / 2;
                trace.add(at, w);
                watts = w;
                if (Double.isNaN(idleWatts)) {
                    baselineSum += w;
                    baselineCount++;
                    if (at - started >= TimeUnit.MILLISECONDS.toNanos(BASELINE_MS)) {
                        idleWatts = baselineSum / baselineCount;
                        LOG.info("idle power {} W ({} readings)", String.format("%.3f", idleWatts), baselineCount);
                    }
                } else {
                    if (energy.idleAt(at)) {
                        idleWatts += IDLE_WEIGHT * (w - idleWatts);
                    }
                    double idle = idleWatts;
                    energy.settle(trace.latest(), (a, b) -> trace.millijoules(a, b, idle));
                }
            } catch (IOException | RuntimeException e) {
                long f = failures.incrementAndGet();
                if (f == 1 || f % 1000 == 0) {
                    LOG.warn("power sensor read failed ({} so far): {}", f, e.toString());
                }
            }
            next += intervalNanos;
            long wait = next - nanos.getAsLong();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = nanos.getAsLong(); // fell behind: do not burst to catch up
            }
        }
    }

    /** Stops the thread (it ends after its current reading). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
