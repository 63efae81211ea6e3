package io.splitee.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.splitee.model.BlockSpec;
import io.splitee.model.ExitSpec;
import io.splitee.model.Manifest;
import io.splitee.model.ModelPackage;
import io.splitee.model.ModelPackageException;
import io.splitee.model.NamedTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SegmentRunner} on ONNX Runtime: one session per block file and per exit file (and
 * optionally the fused graph), all created when the runner opens, with graph optimisation as
 * configured and no per-session threads (every session of every runner shares the process's one
 * intra-op pool; see {@link RunnerConfig}).
 *
 * <p><b>Memory.</b> A caller's direct, native-order, writable buffer is used in place: the call
 * wraps it in a tensor for its duration (inputs are read from it, outputs written straight into
 * it), so nothing is copied. Other buffers (heap, read-only, foreign byte order) are copied into or
 * out of the runner's own preallocated direct buffers. For single samples every boundary has such
 * a buffer wrapped once in a tensor; a block writes straight into the next block's input (pinned
 * outputs), so a range of blocks allocates no tensors between them. Batches use direct buffers
 * that grow to the largest batch seen, wrapped in tensors that live for one call. Every tensor and
 * result is closed; {@link #close()} frees the sessions and the preallocated tensors.
 *
 * <p><b>Threads.</b> Thread-safe by mutual exclusion: every method holds this runner's lock, so
 * concurrent callers run one after another (and {@code close()} never overlaps a run). For
 * parallel inference open one runner per worker thread; they share the environment and its pool.
 * After {@code close()} every method throws {@link IllegalStateException} and ONNX Runtime is never
 * called again.
 */
public final class OrtSegmentRunner implements SegmentRunner {

    private static final Logger LOG = LoggerFactory.getLogger(OrtSegmentRunner.class);

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final int depth;
    private final int classes;
    private final NamedTensor[] boundarySpec; // 0..L
    private final int[] boundarySize; // 0..L, floats per sample
    private final Segment[] blocks; // [i-1] = block i
    private final Segment[] exits; // [i-1] = exit i
    private final Segment fused; // null unless loaded

    // single-sample state: preallocated and reused
    private final FloatBuffer[] act; // boundary buffers
    private final OnnxTensor[] actTensor;
    private final FloatBuffer logits;
    private final OnnxTensor logitsTensor;
    private final FloatBuffer fusedLogits;
    private final List<OnnxTensor> fusedLogitTensors = new ArrayList<>();
    private final List<Map<String, OnnxTensor>> blockIn = new ArrayList<>();
    private final List<Map<String, OnnxTensor>> blockOut = new ArrayList<>();
    private final List<Map<String, OnnxTensor>> exitIn = new ArrayList<>();
    private final List<Map<String, OnnxTensor>> exitOut = new ArrayList<>();
    private final Map<String, OnnxTensor> fusedIn;
    private final Map<String, OnnxTensor> fusedOut;

    // batch state: grows on demand
    private final FloatBuffer[] batchAct;
    private FloatBuffer batchLogits;

    private boolean closed;

    private OrtSegmentRunner(ModelPackage pkg, RunnerConfig config, OrtEnvironment env,
            OrtSession.SessionOptions options, List<AutoCloseable> opened) throws ModelPackageException, OrtException {
        this.env = env;
        this.options = options;
        Manifest m = pkg.manifest();
        depth = m.depth();
        classes = m.labels().size();
        boundarySpec = new NamedTensor[depth + 1];
        boundarySize = new int[depth + 1];
        boundarySpec[0] = m.input().tensor();
        for (int i = 1; i <= depth; i++) {
            boundarySpec[i] = m.block(i).output();
        }
        for (int i = 0; i <= depth; i++) {
            boundarySize[i] = boundarySpec[i].elementCount();
        }
        blocks = new Segment[depth];
        exits = new Segment[depth];
        for (int i = 1; i <= depth; i++) {
            BlockSpec b = m.block(i);
            blocks[i - 1] = track(opened, Segment.open(env, options, pkg.blockFile(i), b.file(), b.input(),
                    List.of(b.output())));
        }
        for (int i = 1; i <= depth; i++) {
            ExitSpec e = m.exit(i);
            exits[i - 1] = track(opened, Segment.open(env, options, pkg.exitFile(i), e.file(), e.input(),
                    List.of(e.output())));
        }
        fused = config.loadFused()
                ? track(opened, Segment.open(env, options, pkg.fusedFile(), m.fused().file(), m.fused().input(),
                        m.fused().outputs()))
                : null;

        act = new FloatBuffer[depth + 1];
        actTensor = new OnnxTensor[depth + 1];
        batchAct = new FloatBuffer[depth + 1];
        for (int i = 0; i <= depth; i++) {
            act[i] = direct(boundarySize[i]);
            actTensor[i] = track(opened, OnnxTensor.createTensor(env, act[i], boundarySpec[i].batchShape(1)));
        }
        logits = direct(classes);
        logitsTensor = track(opened, OnnxTensor.createTensor(env, logits, new long[] {1, classes}));
        for (int i = 1; i <= depth; i++) {
            blockIn.add(Map.of(blocks[i - 1].inputName, actTensor[i - 1]));
            blockOut.add(Map.of(blocks[i - 1].outputNames.get(0), actTensor[i]));
            exitIn.add(Map.of(exits[i - 1].inputName, actTensor[i]));
            exitOut.add(Map.of(exits[i - 1].outputNames.get(0), logitsTensor));
        }
        if (fused != null) {
            fusedLogits = direct(depth * classes);
            Map<String, OnnxTensor> out = new LinkedHashMap<>();
            for (int i = 0; i < depth; i++) {
                OnnxTensor t = track(opened, OnnxTensor.createTensor(env, fusedLogits.slice(i * classes, classes),
                        new long[] {1, classes}));
                fusedLogitTensors.add(t);
                out.put(fused.outputNames.get(i), t);
            }
            fusedIn = Map.of(fused.inputName, actTensor[0]);
            fusedOut = Map.copyOf(out);
        } else {
            fusedLogits = null;
            fusedIn = Map.of();
            fusedOut = Map.of();
        }
    }

    /**
     * Opens every block and exit session of a validated package (and the fused graph if the config
     * asks for it).
     *
     * @param pkg the model package
     * @param config threads and optimisation
     * @return an open runner; close it
     * @throws ModelPackageException if ONNX Runtime refuses a file
     *     ({@link ModelPackageException.Code#ONNX_LOAD_FAILED}) or a graph's inputs or outputs
     *     disagree with the manifest ({@link ModelPackageException.Code#ONNX_SIGNATURE_MISMATCH});
     *     the exception names the file
     * @throws IllegalStateException if the shared thread pool exists with a different
     *     {@code intraOpThreads}
     */
    public static OrtSegmentRunner open(ModelPackage pkg, RunnerConfig config) throws ModelPackageException {
        Objects.requireNonNull(pkg, "pkg");
        Objects.requireNonNull(config, "config");
        OrtEnvironment env = SharedEnvironment.get(config.intraOpThreads());
        List<AutoCloseable> opened = new ArrayList<>();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        opened.add(options);
        try {
            options.setOptimizationLevel(switch (config.optimisation()) {
                case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.disablePerSessionThreads();
            return new OrtSegmentRunner(pkg, config, env, options, opened);
        } catch (OrtException e) {
            closeAll(opened);
            throw new IllegalStateException("cannot configure ONNX Runtime sessions: " + e.getMessage(), e);
        } catch (ModelPackageException | RuntimeException | Error e) {
            closeAll(opened);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T resource) {
        // sessions and tensors are closed before the options they were created with
        opened.add(0, resource);
        return resource;
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing an ONNX Runtime resource failed", e);
            }
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
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
            throw new IllegalArgumentException("boundary must be in 0.." + depth + ", was " + boundary);
        }
        return boundarySize[boundary];
    }

    @Override
    public synchronized void runBlocks(int from, int to, FloatBuffer in, FloatBuffer out) {
        checkOpen();
        checkRange(from, to);
        int inSize = boundarySize[from - 1];
        int outSize = boundarySize[to];
        checkRemaining(in, inSize, "in");
        checkWritable(out, outSize, "out");
        OnnxTensor inView = null;
        OnnxTensor outView = null;
        try {
            Map<String, OnnxTensor> firstIn;
            if (zeroCopy(in, out)) {
                inView = view(in, inSize, boundarySpec[from - 1], 1);
                firstIn = Map.of(blocks[from - 1].inputName, inView);
            } else {
                act[from - 1].put(0, in, in.position(), inSize);
                firstIn = blockIn.get(from - 1);
            }
            Map<String, OnnxTensor> lastOut;
            if (zeroCopy(out, in)) {
                outView = view(out, outSize, boundarySpec[to], 1);
                lastOut = Map.of(blocks[to - 1].outputNames.get(0), outView);
            } else {
                lastOut = blockOut.get(to - 1);
            }
            for (int b = from; b <= to; b++) {
                blocks[b - 1].run(b == from ? firstIn : blockIn.get(b - 1), b == to ? lastOut : blockOut.get(b - 1));
            }
            if (outView == null) {
                out.put(out.position(), act[to], 0, outSize);
            }
        } finally {
            closeAll(inView, outView);
        }
    }

    @Override
    public synchronized void runBlocks(int from, int to, int batchSize, FloatBuffer in, FloatBuffer out) {
        if (batchSize == 1) {
            runBlocks(from, to, in, out);
            return;
        }
        checkOpen();
        checkRange(from, to);
        checkBatch(batchSize);
        int inSize = Math.multiplyExact(batchSize, boundarySize[from - 1]);
        int outSize = Math.multiplyExact(batchSize, boundarySize[to]);
        checkRemaining(in, inSize, "in");
        checkWritable(out, outSize, "out");
        OnnxTensor[] tensors = new OnnxTensor[to - from + 2]; // boundaries from-1..to
        try {
            for (int b = from - 1; b <= to; b++) {
                int i = b - from + 1;
                if (b == from - 1 && zeroCopy(in, out)) {
                    tensors[i] = view(in, inSize, boundarySpec[b], batchSize);
                } else if (b == to && zeroCopy(out, in)) {
                    tensors[i] = view(out, outSize, boundarySpec[b], batchSize);
                } else {
                    ensureBatchCapacity(b, batchSize);
                    if (b == from - 1) {
                        batchAct[b].put(0, in, in.position(), inSize);
                    }
                    tensors[i] = view(batchAct[b].position(0), batchSize * boundarySize[b], boundarySpec[b], batchSize);
                }
            }
            for (int b = from; b <= to; b++) {
                Segment s = blocks[b - 1];
                s.run(Map.of(s.inputName, tensors[b - from]), Map.of(s.outputNames.get(0), tensors[b - from + 1]));
            }
            if (!zeroCopy(out, in)) {
                out.put(out.position(), batchAct[to], 0, outSize);
            }
        } finally {
            closeAll(tensors);
        }
    }

    @Override
    public synchronized void runExit(int exit, FloatBuffer features, float[] logitsOut) {
        checkOpen();
        checkExit(exit);
        int size = boundarySize[exit];
        checkRemaining(features, size, "features");
        checkLogits(logitsOut, classes);
        Segment s = exits[exit - 1];
        if (zeroCopy(features, null)) {
            try (OnnxTensor view = view(features, size, boundarySpec[exit], 1)) {
                s.run(Map.of(s.inputName, view), exitOut.get(exit - 1));
            }
        } else {
            act[exit].put(0, features, features.position(), size);
            s.run(exitIn.get(exit - 1), exitOut.get(exit - 1));
        }
        logits.get(0, logitsOut, 0, classes);
        checkFinite(logitsOut, classes, s.file);
    }

    @Override
    public synchronized void runExit(int exit, int batchSize, FloatBuffer features, float[] logitsOut) {
        if (batchSize == 1) {
            runExit(exit, features, logitsOut);
            return;
        }
        checkOpen();
        checkExit(exit);
        checkBatch(batchSize);
        int size = Math.multiplyExact(batchSize, boundarySize[exit]);
        int logitCount = Math.multiplyExact(batchSize, classes);
        checkRemaining(features, size, "features");
        checkLogits(logitsOut, logitCount);
        if (batchLogits == null || batchLogits.capacity() < logitCount) {
            batchLogits = direct(Math.max(logitCount, batchLogits == null ? 0 : 2 * batchLogits.capacity()));
        }
        FloatBuffer source = features;
        if (!zeroCopy(features, null)) {
            ensureBatchCapacity(exit, batchSize);
            batchAct[exit].put(0, features, features.position(), size);
            source = batchAct[exit].position(0);
        }
        Segment s = exits[exit - 1];
        try (OnnxTensor in = view(source, size, boundarySpec[exit], batchSize);
                OnnxTensor out = view(batchLogits.position(0), logitCount, null, batchSize)) {
            s.run(Map.of(s.inputName, in), Map.of(s.outputNames.get(0), out));
        }
        batchLogits.get(0, logitsOut, 0, logitCount);
        checkFinite(logitsOut, logitCount, s.file);
    }

    @Override
    public synchronized void runBlockWithExit(int block, FloatBuffer in, FloatBuffer featuresOut, float[] logitsOut) {
        checkOpen();
        checkExit(block);
        int inSize = boundarySize[block - 1];
        int outSize = boundarySize[block];
        checkRemaining(in, inSize, "in");
        checkWritable(featuresOut, outSize, "featuresOut");
        checkLogits(logitsOut, classes);
        Segment b = blocks[block - 1];
        Segment e = exits[block - 1];
        OnnxTensor inView = null;
        OnnxTensor outView = null;
        try {
            Map<String, OnnxTensor> blockInputs;
            if (zeroCopy(in, featuresOut)) {
                inView = view(in, inSize, boundarySpec[block - 1], 1);
                blockInputs = Map.of(b.inputName, inView);
            } else {
                act[block - 1].put(0, in, in.position(), inSize);
                blockInputs = blockIn.get(block - 1);
            }
            if (zeroCopy(featuresOut, in)) {
                outView = view(featuresOut, outSize, boundarySpec[block], 1);
                b.run(blockInputs, Map.of(b.outputNames.get(0), outView));
                e.run(Map.of(e.inputName, outView), exitOut.get(block - 1));
            } else {
                b.run(blockInputs, blockOut.get(block - 1));
                e.run(exitIn.get(block - 1), exitOut.get(block - 1));
                featuresOut.put(featuresOut.position(), act[block], 0, outSize);
            }
        } finally {
            closeAll(inView, outView);
        }
        logits.get(0, logitsOut, 0, classes);
        checkFinite(logitsOut, classes, e.file);
    }

    @Override
    public synchronized void runFused(FloatBuffer in, float[] logitsOut) {
        checkOpen();
        if (fused == null) {
            throw new IllegalStateException("the fused graph is not loaded: open the runner with RunnerConfig.withFused(true)");
        }
        int inSize = boundarySize[0];
        int logitCount = depth * classes;
        checkRemaining(in, inSize, "in");
        checkLogits(logitsOut, logitCount);
        if (zeroCopy(in, null)) {
            try (OnnxTensor view = view(in, inSize, boundarySpec[0], 1)) {
                fused.run(Map.of(fused.inputName, view), fusedOut);
            }
        } else {
            act[0].put(0, in, in.position(), inSize);
            fused.run(fusedIn, fusedOut);
        }
        fusedLogits.get(0, logitsOut, 0, logitCount);
        checkFinite(logitsOut, logitCount, fused.file);
    }

    /**
     * Closes every tensor and session; idempotent. The shared environment stays (it lives as long
     * as the process).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (OnnxTensor t : actTensor) {
            t.close();
        }
        logitsTensor.close();
        fusedLogitTensors.forEach(OnnxTensor::close);
        for (Segment s : blocks) {
            s.close();
        }
        for (Segment s : exits) {
            s.close();
        }
        if (fused != null) {
            fused.close();
        }
        options.close();
    }

    private void ensureBatchCapacity(int boundary, int batchSize) {
        int needed = Math.multiplyExact(batchSize, boundarySize[boundary]);
        FloatBuffer current = batchAct[boundary];
        if (current == null || current.capacity() < needed) {
            int grown = current == null ? needed : (int) Math.min(Integer.MAX_VALUE / Float.BYTES,
                    Math.max((long) needed, 2L * current.capacity()));
            batchAct[boundary] = direct(grown);
        }
    }

    /**
     * Whether a caller's buffer can back a tensor directly (no copy): direct, native byte order,
     * writable, and not the very same object as the call's other buffer (in-place use is copied).
     */
    private static boolean zeroCopy(FloatBuffer buffer, FloatBuffer other) {
        return buffer.isDirect() && !buffer.isReadOnly() && buffer.order() == ByteOrder.nativeOrder() && buffer != other;
    }

    /**
     * A tensor over {@code floats} floats of {@code buffer} from its position; lives for one call.
     * {@code spec} null means logits {@code [batch, classes]}.
     */
    private OnnxTensor view(FloatBuffer buffer, int floats, NamedTensor spec, int batchSize) {
        long[] shape = spec == null ? new long[] {batchSize, classes} : spec.batchShape(batchSize);
        try {
            return OnnxTensor.createTensor(env, buffer.slice(buffer.position(), floats), shape);
        } catch (OrtException e) {
            throw new InferenceException("cannot create a tensor of shape " + java.util.Arrays.toString(shape) + ": "
                    + e.getMessage(), e);
        }
    }

    private static void closeAll(OnnxTensor... tensors) {
        for (OnnxTensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this segment runner is closed");
        }
    }

    private void checkRange(int from, int to) {
        if (from < 1 || to > depth || from > to) {
            throw new IllegalArgumentException("blocks " + from + ".." + to + " are not a range within 1.." + depth);
        }
    }

    private void checkExit(int index) {
        if (index < 1 || index > depth) {
            throw new IllegalArgumentException("index must be in 1.." + depth + ", was " + index);
        }
    }

    private static void checkBatch(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
    }

    private static void checkWritable(FloatBuffer buffer, int needed, String name) {
        checkRemaining(buffer, needed, name);
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException(name + " is a read-only buffer");
        }
    }

    private static void checkRemaining(FloatBuffer buffer, int needed, String name) {
        Objects.requireNonNull(buffer, name);
        if (buffer.remaining() < needed) {
            throw new IllegalArgumentException(name + " has " + buffer.remaining() + " floats remaining, needs " + needed);
        }
    }

    private static void checkLogits(float[] logitsOut, int needed) {
        Objects.requireNonNull(logitsOut, "logitsOut");
        if (logitsOut.length < needed) {
            throw new IllegalArgumentException("logitsOut has length " + logitsOut.length + ", needs " + needed);
        }
    }

    private void checkFinite(float[] values, int count, String file) {
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(values[i])) {
                throw new InferenceException(file + " produced a non-finite logit (" + values[i] + ") for sample "
                        + (i / classes) + ", class " + (i % classes) + "; the input or features contain NaN or infinity?",
                        null);
            }
        }
    }
}
