package io.splitee.device.cost;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Smoothed energy per block and per exit head on this device, in millijoules above the idle power, from a power
 * sensor. Two threads share it, and neither waits for the other:
 *
 * <ul>
 *   <li>the worker tells it each compute interval ({@link #computing}, {@link #computed}): two volatile writes
 *       and a slot in a bounded single-producer ring; a full ring drops the interval (counted);</li>
 *   <li>the power thread ({@code splitee-<device>-power}), which owns the sensor and its readings, settles the
 *       intervals its readings cover ({@link #settle}): each becomes the energy integrated over it, smoothed with
 *       the weight of the compute-time estimates ({@link CostEstimates}).</li>
 * </ul>
 *
 * <p>The estimates ({@link #blockMj}, {@link #deviceMj}) may be read from any thread; 0 until measured.
 */
public final class EnergyEstimates {
    /** Intervals waiting for the power thread beyond this are dropped: the worker never waits. */
    static final int RING = 1024;
    /** After the last compute interval, the device counts as idle once this much time has passed. */
    public static final long IDLE_AFTER_NANOS = 100_000_000L;

    /** How the power thread prices an interval. */
    @FunctionalInterface
    public interface Integrator {
        /**
         * Energy over {@code [startNanos, endNanos]} above the idle power, in mJ; NaN when the readings no longer
         * (or do not yet) cover it.
         */
        double millijoules(long startNanos, long endNanos);
    }

    private final int blocks;
    private final double weight;
    /** Index i: block i; index blocks + i: exit i. Bits of the smoothed value; NaN while unknown. */
    private final AtomicLongArray smoothed;
    private final long[] counts;
    private final long[] ringStart = new long[RING];
    private final long[] ringEnd = new long[RING];
    private final int[] ringSlot = new int[RING];
    private volatile long tail; // written by the worker
    private volatile long head; // written by the power thread
    private volatile boolean busy;
    private volatile long lastEndNanos = Long.MIN_VALUE / 2;
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param blocks the model's number of blocks L
     * @param weight the smoothing weight of a new observation in (0, 1] (0.1, as the compute-time estimates)
     */
    public EnergyEstimates(int blocks, double weight) {
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks: " + blocks + " must be ≥ 1");
        }
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight: " + weight + " is outside (0, 1]");
        }
        this.blocks = blocks;
        this.weight = weight;
        this.smoothed = new AtomicLongArray(2 * blocks + 1);
        this.counts = new long[2 * blocks + 1];
        for (int i = 0; i < smoothed.length(); i++) {
            smoothed.set(i, Double.doubleToRawLongBits(Double.NaN));
        }
    }

    /**
     * Estimates as if each value had been measured once (a replay's, from a cost profile): nothing is
     * integrated from a sensor.
     *
     * @param blockMj energy of block i+1 above idle, mJ, each finite and ≥ 0; at least one block
     * @param exitMj  energy of exit head i+1 above idle, mJ, as many as blocks
     */
    public static EnergyEstimates of(double[] blockMj, double[] exitMj) {
        if (exitMj.length != blockMj.length) {
            throw new IllegalArgumentException("exitMj: has " + exitMj.length + " entries, expected " + blockMj.length);
        }
        EnergyEstimates e = new EnergyEstimates(blockMj.length, 0.1);
        for (int i = 0; i < blockMj.length; i++) {
            e.record(i + 1, checked("blockMj", i, blockMj[i]));
            e.record(e.blocks + i + 1, checked("exitMj", i, exitMj[i]));
        }
        return e;
    }

    private static double checked(String name, int i, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + "[" + i + "]: " + v + " must be a finite number ≥ 0");
        }
        return v;
    }

    // ------------------------------------------------------------------------------------------ the worker

    /** The worker starts a block or an exit head (the device is not idle until {@link #computed}). */
    public void computing() {
        busy = true;
    }

    /**
     * The worker computed block {@code i} ({@code exit == false}) or exit head {@code i} over
     * {@code [startNanos, endNanos]}. Never blocks.
     */
    public void computed(boolean exit, int i, long startNanos, long endNanos) {
        checkBlock(i);
        busy = false;
        lastEndNanos = endNanos;
        long t = tail;
        if (t - head >= RING) {
            dropped.incrementAndGet();
            return;
        }
        int k = (int) (t % RING);
        ringStart[k] = startNanos;
        ringEnd[k] = endNanos;
        ringSlot[k] = exit ? blocks + i : i;
        tail = t + 1; // publishes the slot
    }

    // ------------------------------------------------------------------------------------- the power thread

    /** Whether the device was idle at {@code nanos}: nothing computing, and the last interval ended long enough ago. */
    public boolean idleAt(long nanos) {
        return !busy && nanos - lastEndNanos >= IDLE_AFTER_NANOS;
    }

    /**
     * Settles, in order, the intervals that ended by {@code coveredUntil} (the time of the newest reading); one
     * the readings no longer cover is dropped.
     *
     * @return how many intervals were priced
     */
    public int settle(long coveredUntil, Integrator integrator) {
        int n = 0;
        long h = head;
        long t = tail;
        while (h < t) {
            int k = (int) (h % RING);
            if (ringEnd[k] > coveredUntil) {
                break;
            }
            double mj = integrator.millijoules(ringStart[k], ringEnd[k]);
            if (Double.isNaN(mj)) {
                dropped.incrementAndGet();
            } else {
                record(ringSlot[k], Math.max(0, mj));
                n++;
            }
            h++;
            head = h;
        }
        return n;
    }

    private void record(int slot, double mj) {
        double old = Double.longBitsToDouble(smoothed.get(slot));
        // capped as the compute times are (CostEstimates.COMPUTE_SPIKE_CAP): a descheduled call's interval holds
        // another thread's time slice, so its energy would count that slice as well; a lasting rise is followed
        double observed = counts[slot] == 0 || !(old > 0) ? mj : Math.min(mj, CostEstimates.COMPUTE_SPIKE_CAP * old);
        double v = counts[slot] == 0 ? mj : old + weight * (observed - old);
        counts[slot]++;
        smoothed.set(slot, Double.doubleToRawLongBits(v));
    }

    // ------------------------------------------------------------------------------------------- readers

    /** The number of blocks L. */
    public int blocks() {
        return blocks;
    }

    /** Smoothed energy of block {@code i} (1-based) in mJ above idle; 0 until measured. */
    public double blockMj(int i) {
        return value(checkBlock(i));
    }

    /** Smoothed energy of exit head {@code i} (1-based) in mJ above idle; 0 until measured. */
    public double exitMj(int i) {
        return value(blocks + checkBlock(i));
    }

    /** Whether block {@code i} has been measured. */
    public boolean blockMeasured(int i) {
        return !Double.isNaN(Double.longBitsToDouble(smoothed.get(checkBlock(i))));
    }

    /**
     * Device energy of arm {@code a}: blocks 1..a and exit a, or with {@code everyExit} exits 1..a, in mJ (arm 0:
     * nothing computed on the device).
     */
    public double deviceMj(int arm, boolean everyExit) {
        if (arm == 0) {
            return 0;
        }
        double mj = 0;
        for (int i = 1; i <= arm; i++) {
            mj += blockMj(i);
            if (everyExit && i < arm) {
                mj += exitMj(i);
            }
        }
        return mj + exitMj(arm);
    }

    /** Intervals dropped: the ring was full, or the readings did not cover them. */
    public long dropped() {
        return dropped.get();
    }

    private double value(int slot) {
        double v = Double.longBitsToDouble(smoothed.get(slot));
        return Double.isNaN(v) ? 0 : v;
    }

    private int checkBlock(int i) {
        if (i < 1 || i > blocks) {
            throw new IllegalArgumentException("block " + i + " is outside 1.." + blocks);
        }
        return i;
    }
}
