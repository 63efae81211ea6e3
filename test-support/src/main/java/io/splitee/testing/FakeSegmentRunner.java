package io.splitee.testing;

import io.splitee.onnx.SegmentRunner;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A {@link SegmentRunner} without a model, for unit tests: exits return scripted confidences per
 * sample, blocks count their calls.
 *
 * <p><b>Which sample.</b> The first float of the network input is the sample's <i>tag</i> (a small
 * whole number the test puts there); every block copies it to the first float of its output, so an
 * exit knows the sample from its features. {@link #script} sets, per tag, the confidence and the
 * predicted class of each exit; an unscripted tag gets {@link #defaultConfidence(double)} (0.5 unless
 * set) and class 0 at every exit.
 *
 * <p><b>Logits.</b> For confidence p and class k among K classes the exit writes logit
 * {@code ln(p·(K−1)/(1−p))} at k and 0 elsewhere, whose maximum softmax probability is p (up to float
 * rounding); so p must be in (1/K, 1). Calls to {@link #runExit} count per exit,
 * {@link #runBlocks} per block; {@link #onBlock} runs a hook before every block (e.g. to hold the
 * caller). Thread-safe; {@link #close()} is idempotent, later calls throw {@link IllegalStateException}.
 */
public final class FakeSegmentRunner implements SegmentRunner {

    private record Script(double[] confidences, int[] classes) {
    }

    private final int depth;
    private final int classes;
    private final int[] activationSizes;
    private final Map<Integer, Script> scripts = new ConcurrentHashMap<>();
    private final AtomicIntegerArray blockCalls;
    private final AtomicIntegerArray exitCalls;
    private volatile double defaultConfidence = 0.5;
    private volatile Runnable beforeBlock = () -> { };
    private volatile boolean closed;

    /**
     * @param classes         classes per exit, ≥ 2
     * @param activationSizes floats per sample at boundaries 0..L (so L = length − 1), each ≥ 1
     */
    public FakeSegmentRunner(int classes, int... activationSizes) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (activationSizes.length < 2 || Arrays.stream(activationSizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("activation sizes for boundaries 0..L, each >= 1: "
                    + Arrays.toString(activationSizes));
        }
        this.classes = classes;
        this.activationSizes = activationSizes.clone();
        this.depth = activationSizes.length - 1;
        this.blockCalls = new AtomicIntegerArray(depth + 1);
        this.exitCalls = new AtomicIntegerArray(depth + 1);
    }

    /**
     * Scripts sample {@code tag}: exit i answers class {@code classes[i-1]} with confidence
     * {@code confidences[i-1]}.
     *
     * @return this runner
     */
    public FakeSegmentRunner script(int tag, double[] confidences, int[] classes) {
        if (confidences.length != depth || classes.length != depth) {
            throw new IllegalArgumentException("one confidence and one class per exit (" + depth + ")");
        }
        for (int i = 0; i < depth; i++) {
            if (!(confidences[i] > 1.0 / this.classes && confidences[i] < 1)) {
                throw new IllegalArgumentException("confidence of exit " + (i + 1) + " must be in (1/" + this.classes
                        + ", 1), got " + confidences[i]);
            }
            if (classes[i] < 0 || classes[i] >= this.classes) {
                throw new IllegalArgumentException("class of exit " + (i + 1) + " out of range: " + classes[i]);
            }
        }
        scripts.put(tag, new Script(confidences.clone(), classes.clone()));
        return this;
    }

    /** Scripts sample {@code tag} with these confidences and class 0 at every exit. */
    public FakeSegmentRunner script(int tag, double... confidences) {
        return script(tag, confidences, new int[depth]);
    }

    /** The confidence of an unscripted sample at every exit. */
    public FakeSegmentRunner defaultConfidence(double c) {
        if (!(c > 1.0 / classes && c < 1)) {
            throw new IllegalArgumentException("confidence must be in (1/" + classes + ", 1), got " + c);
        }
        this.defaultConfidence = c;
        return this;
    }

    /** Runs {@code hook} before every block (on the caller's thread). */
    public FakeSegmentRunner onBlock(Runnable hook) {
        this.beforeBlock = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /** Calls of block {@code i} so far (a range counts once for each block in it). */
    public int blockCalls(int i) {
        return blockCalls.get(i);
    }

    /** Calls of exit {@code i} so far. */
    public int exitCalls(int i) {
        return exitCalls.get(i);
    }

    /** Calls of every block so far. */
    public int blockCalls() {
        int n = 0;
        for (int i = 1; i <= depth; i++) {
            n += blockCalls.get(i);
        }
        return n;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int activationSize(int boundary) {
        if (boundary < 0 || boundary > depth) {
            throw new IllegalArgumentException("boundary " + boundary + " outside 0.." + depth);
        }
        return activationSizes[boundary];
    }

    @Override
    public void runBlocks(int from, int to, FloatBuffer in, FloatBuffer out) {
        runBlocks(from, to, 1, in, out);
    }

    @Override
    public void runBlocks(int from, int to, int batchSize, FloatBuffer in, FloatBuffer out) {
        open();
        if (from < 1 || to < from || to > depth || batchSize < 1) {
            throw new IllegalArgumentException("blocks " + from + ".." + to + " of " + depth + ", batch " + batchSize);
        }
        for (int i = from; i <= to; i++) {
            beforeBlock.run();
            blockCalls.incrementAndGet(i);
        }
        int inSize = activationSizes[from - 1];
        int outSize = activationSizes[to];
        for (int s = 0; s < batchSize; s++) {
            float tag = in.get(in.position() + s * inSize);
            for (int k = 0; k < outSize; k++) {
                out.put(out.position() + s * outSize + k, k == 0 ? tag : 0f);
            }
        }
    }

    @Override
    public void runExit(int exit, FloatBuffer features, float[] logitsOut) {
        runExit(exit, 1, features, logitsOut);
    }

    @Override
    public void runExit(int exit, int batchSize, FloatBuffer features, float[] logitsOut) {
        open();
        if (exit < 1 || exit > depth || batchSize < 1) {
            throw new IllegalArgumentException("exit " + exit + " of " + depth + ", batch " + batchSize);
        }
        exitCalls.incrementAndGet(exit);
        int size = activationSizes[exit];
        for (int s = 0; s < batchSize; s++) {
            int tag = Math.round(features.get(features.position() + s * size));
            Script sc = scripts.get(tag);
            double p = sc == null ? defaultConfidence : sc.confidences()[exit - 1];
            int k = sc == null ? 0 : sc.classes()[exit - 1];
            float logit = (float) Math.log(p * (classes - 1) / (1 - p));
            for (int c = 0; c < classes; c++) {
                logitsOut[s * classes + c] = c == k ? logit : 0f;
            }
        }
    }

    @Override
    public void runBlockWithExit(int block, FloatBuffer in, FloatBuffer featuresOut, float[] logitsOut) {
        runBlocks(block, block, in, featuresOut);
        runExit(block, featuresOut, logitsOut);
    }

    @Override
    public void runFused(FloatBuffer in, float[] logitsOut) {
        throw new IllegalStateException("the fake runner has no fused graph");
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("runner closed");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
