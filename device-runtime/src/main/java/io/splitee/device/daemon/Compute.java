package io.splitee.device.daemon;

import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.EnergyEstimates;
import io.splitee.onnx.SegmentRunner;
import io.splitee.onnx.Softmax;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The runner and its reused direct buffers, one per boundary: computes blocks and exits for a
 * {@link Sample}, timing each call into the sample's device time and the cost estimates (and, with a power
 * sensor, telling the energy estimates each call's interval: never waiting for the sensor). With a board slowdown
 * F &gt; 1 ({@code runtime.board-slowdown}) each call is followed by a real wait of (F − 1) times its own duration
 * and the whole interval is what is timed: an emulated slower board, measured like a real one. Owned by the
 * worker thread.
 */
final class Compute {
    private final SegmentRunner runner;
    private final CostEstimates estimates;
    private final LongSupplier nanos;
    private final EnergyEstimates energy;
    private final FloatBuffer[] boundary;
    private final float[] logits;
    private final double slowdown;
    private float[] lastInput;

    Compute(SegmentRunner runner, CostEstimates estimates, LongSupplier nanos) {
        this(runner, estimates, null, nanos, 1.0);
    }

    /**
     * With {@code energy} (null: no power sensor), told each block's and exit's interval on {@code nanos}, and the
     * board slowdown F ≥ 1 (1: none).
     */
    Compute(SegmentRunner runner, CostEstimates estimates, EnergyEstimates energy, LongSupplier nanos, double slowdown) {
        if (!(slowdown >= 1) || Double.isInfinite(slowdown)) {
            throw new IllegalArgumentException("slowdown: " + slowdown + " must be a finite number ≥ 1");
        }
        this.slowdown = slowdown;
        this.runner = runner;
        this.estimates = estimates;
        this.energy = energy;
        this.nanos = nanos;
        int depth = runner.depth();
        this.boundary = new FloatBuffer[depth + 1];
        for (int i = 0; i <= depth; i++) {
            boundary[i] = ByteBuffer.allocateDirect(runner.activationSize(i) * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        this.logits = new float[runner.classes()];
    }

    /**
     * Runs every block and exit head {@code passes} times on a zero input, untimed and not emulated, so that
     * the first sample's measurements are not ONNX Runtime's first runs (allocations, kernel choice) and the
     * JIT's: those take many times a steady run, and every reward priced from them while the estimates are
     * that high would rank the arms by the warm-up instead of by their cost (a learner's sample means keep
     * them). Call on the worker thread before the first sample; leaves boundary 0 zeroed.
     */
    void warmUp(int passes) {
        for (int i = 0; i < boundary[0].capacity(); i++) {
            boundary[0].put(i, 0f);
        }
        for (int p = 0; p < passes; p++) {
            for (int i = 1; i <= depth(); i++) {
                runner.runBlocks(i, i, boundary[i - 1], boundary[i]);
                runner.runExit(i, boundary[i], logits);
            }
        }
    }

    /**
     * Runs every block and exit head {@code passes} times on a zero input, timed and emulated like a sample's
     * (with the board slowdown), recording each call's time in the cost estimates: the estimates price every arm
     * from measured compute before the first sample. Not charged to any sample, and not told to the energy
     * estimates. Call on the worker thread after {@link #warmUp}, before the first sample; leaves boundary 0 zeroed.
     *
     * @return the device time the timed passes took in ns (what they cost, for the log)
     */
    long timedWarmUp(int passes) {
        for (int i = 0; i < boundary[0].capacity(); i++) {
            boundary[0].put(i, 0f);
        }
        long total = 0;
        for (int p = 0; p < passes; p++) {
            for (int i = 1; i <= depth(); i++) {
                long t0 = nanos.getAsLong();
                runner.runBlocks(i, i, boundary[i - 1], boundary[i]);
                long dt = emulate(t0) - t0;
                estimates.recordBlock(i, Duration.ofNanos(dt));
                total += dt;
                t0 = nanos.getAsLong();
                runner.runExit(i, boundary[i], logits);
                dt = emulate(t0) - t0;
                estimates.recordExit(i, Duration.ofNanos(dt));
                total += dt;
            }
        }
        return total;
    }

    /** The number of blocks L. */
    int depth() {
        return runner.depth();
    }

    /** The buffer of boundary {@code i} (0: the input, which decoding writes). */
    FloatBuffer boundary(int i) {
        return boundary[i];
    }

    /** A sample starts: the cost estimates' clock ({@link CostEstimates#sampleStarted}). */
    void sampleStarted() {
        estimates.sampleStarted();
    }

    /** Keeps a copy of the input just decoded, for probes. */
    void rememberInput() {
        if (lastInput == null) {
            lastInput = new float[boundary[0].capacity()];
        }
        boundary[0].get(0, lastInput);
    }

    /** The last input decoded, or null before the first. */
    float[] lastInput() {
        return lastInput;
    }

    /** C at live exit {@code exit} of {@code s}, computing the blocks up to it first. */
    double confidence(Sample s, int exit) {
        for (int i = s.computedTo + 1; i <= exit; i++) {
            block(s, i);
        }
        s.computedTo = Math.max(s.computedTo, exit);
        exit(s, exit);
        return s.confidence(exit);
    }

    /** Keeps boundary {@code s.arm} in the sample, for a fallback after an offload. */
    void keepFeatures(Sample s) {
        s.features = new float[runner.activationSize(s.arm)];
        boundary[s.arm].get(0, s.features);
    }

    /** Computes the blocks after the sample's arm and the final exit (from its kept features, if any). */
    void finish(Sample s) {
        if (s.features != null) {
            boundary[s.arm].put(0, s.features);
        }
        for (int i = s.arm + 1; i <= depth(); i++) {
            block(s, i);
        }
        s.computedTo = depth();
        exit(s, depth());
    }

    private void block(Sample s, int i) {
        long t0 = start();
        runner.runBlocks(i, i, boundary[i - 1], boundary[i]);
        long t1 = emulate(t0);
        long dt = t1 - t0;
        s.deviceNanos += dt;
        estimates.recordBlock(i, Duration.ofNanos(dt));
        if (energy != null) {
            energy.computed(false, i, t0, t1);
        }
    }

    private long start() {
        if (energy != null) {
            energy.computing();
        }
        return nanos.getAsLong();
    }

    /**
     * The end of a call that started at {@code t0}: with a slowdown F &gt; 1, first really waits (F − 1) times the
     * call's own duration after it, then returns {@code t0} plus F times the call. The interval recorded is F times
     * the measured call; the wait's own overshoot (a parked thread woken late on a loaded host) belongs to this host,
     * not to the emulated board, and is left out. The wait parks the thread and spins its last 200 µs (spinning
     * throughout would take a core from the gateway and the broker when they share the machine).
     */
    private long emulate(long t0) {
        long t1 = nanos.getAsLong();
        if (slowdown == 1.0) {
            return t1;
        }
        long extra = (long) ((slowdown - 1) * (t1 - t0));
        long until = System.nanoTime() + extra;
        for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
            if (left > 250_000) { // Linux timer slack: a park overshoots by 50-100 µs
                LockSupport.parkNanos(left - 200_000);
            } else {
                Thread.onSpinWait();
            }
        }
        return t1 + extra;
    }

    private void exit(Sample s, int i) {
        long t0 = start();
        runner.runExit(i, boundary[i], logits);
        long t1 = emulate(t0);
        long dt = t1 - t0;
        s.deviceNanos += dt;
        estimates.recordExit(i, Duration.ofNanos(dt));
        if (energy != null) {
            energy.computed(true, i, t0, t1);
        }
        s.predictions[i - 1] = Softmax.argmax(logits);
        s.confidences[i - 1] = Softmax.maxProbability(logits);
    }
}
