package io.splitee.onnx;

import java.nio.FloatBuffer;

/**
 * Runs a multi-exit network in pieces: any consecutive range of backbone blocks, any exit head,
 * or (for comparison) the whole network at once.
 *
 * <p><b>Boundaries.</b> Boundary 0 is the normalised network input; boundary {@code i} (1..L) is
 * block {@code i}'s output, which is both exit {@code i}'s input and block {@code i+1}'s input.
 * {@link #activationSize(int)} gives the floats per sample at each boundary. Blocks and exits are
 * 1-based.
 *
 * <p><b>Buffers.</b> Tensors are float32, NCHW, samples back to back. Input buffers are read from
 * their position; output buffers are written from their position; no buffer's position or limit is
 * changed. A buffer must have at least the needed number of floats remaining, else
 * {@link IllegalArgumentException}; output buffers must be writable. Any {@link FloatBuffer} works;
 * direct native-order buffers are fastest (an implementation may compute in them without copying).
 * The input and output of one call must not overlap in memory, unless they are the same buffer
 * object (then the input is read before the output is written).
 *
 * <p><b>Errors.</b> Bad arguments: {@link IllegalArgumentException}. Use after {@link #close()}:
 * {@link IllegalStateException}. A failed model run or a non-finite logit:
 * {@link InferenceException}.
 *
 * <p>Implementations say whether they are thread-safe.
 */
public interface SegmentRunner extends AutoCloseable {

    /** @return L, the number of blocks (and of exits) */
    int depth();

    /** @return the number of classes (logits per sample per exit) */
    int classes();

    /**
     * @param boundary 0 (network input) to L (block L's output)
     * @return floats per sample at that boundary
     * @throws IllegalArgumentException if the boundary is out of range
     */
    int activationSize(int boundary);

    /**
     * Runs blocks {@code from..to} (inclusive) on one sample.
     *
     * @param from first block, 1..L
     * @param to last block, from..L
     * @param in boundary {@code from-1}: {@code activationSize(from-1)} floats
     * @param out receives boundary {@code to}: {@code activationSize(to)} floats
     */
    void runBlocks(int from, int to, FloatBuffer in, FloatBuffer out);

    /**
     * Runs blocks {@code from..to} on a batch.
     *
     * @param from first block, 1..L
     * @param to last block, from..L
     * @param batchSize samples, at least 1
     * @param in {@code batchSize * activationSize(from-1)} floats
     * @param out receives {@code batchSize * activationSize(to)} floats
     */
    void runBlocks(int from, int to, int batchSize, FloatBuffer in, FloatBuffer out);

    /**
     * Runs exit {@code exit} on one sample's features.
     *
     * @param exit 1..L
     * @param features boundary {@code exit}: {@code activationSize(exit)} floats
     * @param logitsOut receives {@link #classes()} logits from index 0
     */
    void runExit(int exit, FloatBuffer features, float[] logitsOut);

    /**
     * Runs exit {@code exit} on a batch.
     *
     * @param exit 1..L
     * @param batchSize samples, at least 1
     * @param features {@code batchSize * activationSize(exit)} floats
     * @param logitsOut receives {@code batchSize * classes()} logits from index 0, sample-major
     */
    void runExit(int exit, int batchSize, FloatBuffer features, float[] logitsOut);

    /**
     * One step of early-exit inference on one sample: runs block {@code block}, writes its output,
     * then runs exit {@code block} on it, without copying the features back in.
     *
     * @param block 1..L
     * @param in boundary {@code block-1}
     * @param featuresOut receives boundary {@code block}
     * @param logitsOut receives exit {@code block}'s {@link #classes()} logits
     */
    void runBlockWithExit(int block, FloatBuffer in, FloatBuffer featuresOut, float[] logitsOut);

    /**
     * Runs the fused whole-network graph on one sample: every exit's logits in one call. For
     * measuring the cost of segmentation and checking it; optional.
     *
     * @param in boundary 0
     * @param logitsOut receives {@code depth() * classes()} logits, exit 1 first
     * @throws IllegalStateException if this runner was opened without the fused graph
     */
    void runFused(FloatBuffer in, float[] logitsOut);

    /** Releases every native resource; idempotent. Later calls throw {@link IllegalStateException}. */
    @Override
    void close();
}
