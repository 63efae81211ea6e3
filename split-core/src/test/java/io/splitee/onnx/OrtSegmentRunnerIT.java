package io.splitee.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.model.IdxSamples;
import io.splitee.model.ModelPackage;
import io.splitee.model.ModelPackageException;
import io.splitee.model.ModelPackageException.Code;
import io.splitee.model.TestPackages;
import io.splitee.model.TraceFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX Runtime segment runner on the real model package: parity with the training script's
 * trace, segmented = fused, batch = singles, and load failures mapped to typed errors.
 */
class OrtSegmentRunnerIT {

    private static final int PARITY_SAMPLES = 200;
    private static ModelPackage pkg;
    private static OrtSegmentRunner runner;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws ModelPackageException {
        pkg = TestPackages.loadReal();
        runner = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withFused(true));
    }

    @AfterAll
    static void close() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void predictionsAndConfidencesMatchTheCleanTraceForTheFirst200Samples() {
        int depth = runner.depth();
        int classes = runner.classes();
        TraceFile trace = TraceFile.read(pkg.trace("clean"), depth, PARITY_SAMPLES);
        assertEquals(PARITY_SAMPLES, trace.rows());
        IdxSamples samples = pkg.samples();
        float[] logits = new float[classes];
        float[] probs = new float[classes];
        int nearTies = 0;
        double maxConfDiff = 0;
        for (int s = 0; s < PARITY_SAMPLES; s++) {
            assertEquals(trace.label()[s], samples.label(s), "label of sample " + s);
            FloatBuffer in = FloatBuffer.wrap(pkg.manifest().input().normalise(samples.image(s)));
            for (int e = 1; e <= depth; e++) {
                FloatBuffer out = FloatBuffer.allocate(runner.activationSize(e));
                runner.runBlocks(e, e, in, out);
                runner.runExit(e, out, logits);
                int pred = Softmax.argmax(logits);
                float conf = Softmax.maxProbability(logits);
                double expectedConf = trace.conf()[s][e - 1];
                maxConfDiff = Math.max(maxConfDiff, Math.abs(conf - expectedConf));
                assertEquals(expectedConf, conf, 1e-4, "confidence of sample " + s + " at exit " + e);
                if (pred != trace.pred()[s][e - 1]) {
                    // allowed only for a genuine tie (top-2 probabilities within 1e-5), as the trace's
                    // float rounding may break it the other way; the trace is then equally right
                    Softmax.softmax(logits, 0, classes, probs, 0);
                    float margin = Math.abs(probs[pred] - probs[trace.pred()[s][e - 1]]);
                    assertTrue(margin < 1e-5f, "sample " + s + " exit " + e + ": predicted " + pred + ", trace says "
                            + trace.pred()[s][e - 1] + " (probabilities " + Arrays.toString(probs) + ")");
                    nearTies++;
                }
                in = out;
            }
        }
        assertTrue(nearTies <= 2, nearTies + " near-tie prediction differences in " + PARITY_SAMPLES * depth);
        assertTrue(maxConfDiff < 1e-4, "max confidence difference " + maxConfDiff);
    }

    @Test
    void segmentedEqualsFused() {
        int depth = runner.depth();
        int classes = runner.classes();
        float[] fused = new float[depth * classes];
        float[] logits = new float[classes];
        float[] fusedProbs = new float[classes];
        float[] probs = new float[classes];
        for (int s = 0; s < 50; s++) {
            FloatBuffer x = direct(pkg.manifest().input().normalise(pkg.samples().image(s)));
            runner.runFused(x, fused);
            FloatBuffer in = x;
            for (int e = 1; e <= depth; e++) {
                FloatBuffer out = direct(runner.activationSize(e));
                runner.runBlockWithExit(e, in, out, logits);
                Softmax.softmax(fused, (e - 1) * classes, classes, fusedProbs, 0);
                Softmax.softmax(logits, 0, classes, probs, 0);
                for (int c = 0; c < classes; c++) {
                    assertEquals(fused[(e - 1) * classes + c], logits[c], 1e-5, "logit " + c + " exit " + e + " sample " + s);
                    assertEquals(fusedProbs[c], probs[c], 1e-5, "probability " + c + " exit " + e + " sample " + s);
                }
                in = out;
            }
        }
    }

    @Test
    void blockRangesAndTheCombinedStepEqualSingleCalls() {
        int depth = runner.depth();
        int classes = runner.classes();
        FloatBuffer x = FloatBuffer.wrap(pkg.manifest().input().normalise(pkg.samples().image(7)));
        FloatBuffer[] stepwise = new FloatBuffer[depth + 1];
        float[][] exitLogits = new float[depth + 1][classes];
        stepwise[0] = x;
        for (int b = 1; b <= depth; b++) {
            stepwise[b] = FloatBuffer.allocate(runner.activationSize(b));
            runner.runBlocks(b, b, stepwise[b - 1], stepwise[b]);
            runner.runExit(b, stepwise[b], exitLogits[b]);
        }
        FloatBuffer all = FloatBuffer.allocate(runner.activationSize(depth));
        runner.runBlocks(1, depth, x, all);
        assertArrayEquals(stepwise[depth].array(), all.array());
        FloatBuffer mid = FloatBuffer.allocate(runner.activationSize(8));
        runner.runBlocks(5, 8, stepwise[4], mid);
        assertArrayEquals(stepwise[8].array(), mid.array());
        float[] logits = new float[classes];
        for (int b = 1; b <= depth; b++) {
            FloatBuffer out = FloatBuffer.allocate(runner.activationSize(b));
            runner.runBlockWithExit(b, stepwise[b - 1], out, logits);
            assertArrayEquals(stepwise[b].array(), out.array(), "features of block " + b);
            assertArrayEquals(exitLogits[b], logits, "logits of exit " + b);
        }
    }

    @Test
    void aBatchOfEightEqualsEightSingleRuns() {
        assertBatchEqualsSingles(8, 0);
        assertBatchEqualsSingles(3, 20); // smaller after larger: reuses the grown buffers
        assertBatchEqualsSingles(13, 40); // grows again
        assertBatchEqualsSingles(1, 60); // the batch API with one sample
    }

    private void assertBatchEqualsSingles(int batch, int firstSample) {
        int depth = runner.depth();
        int classes = runner.classes();
        int inSize = runner.activationSize(0);
        FloatBuffer batchIn = FloatBuffer.allocate(batch * inSize);
        for (int s = 0; s < batch; s++) {
            pkg.manifest().input().normalise(pkg.samples().image(firstSample + s), batchIn.position(s * inSize));
        }
        batchIn.position(0);
        float[][][] singleLogits = new float[batch][depth + 1][classes];
        float[][][] singleFeatures = new float[batch][depth + 1][];
        for (int s = 0; s < batch; s++) {
            FloatBuffer in = batchIn.duplicate().position(s * inSize).limit((s + 1) * inSize).slice();
            for (int b = 1; b <= depth; b++) {
                FloatBuffer out = FloatBuffer.allocate(runner.activationSize(b));
                runner.runBlocks(b, b, in, out);
                runner.runExit(b, out, singleLogits[s][b]);
                singleFeatures[s][b] = out.array();
                in = out;
            }
        }
        FloatBuffer in = batchIn;
        float[] logits = new float[batch * classes];
        for (int b = 1; b <= depth; b++) {
            int size = runner.activationSize(b);
            FloatBuffer out = direct(batch * size);
            runner.runBlocks(b, b, batch, in, out);
            runner.runExit(b, batch, out, logits);
            for (int s = 0; s < batch; s++) {
                for (int i = 0; i < size; i++) {
                    assertEquals(singleFeatures[s][b][i], out.get(s * size + i), 1e-5,
                            "batch " + batch + " sample " + s + " block " + b + " element " + i);
                }
                for (int c = 0; c < classes; c++) {
                    assertEquals(singleLogits[s][b][c], logits[s * classes + c], 1e-5,
                            "batch " + batch + " sample " + s + " exit " + b + " class " + c);
                }
            }
            in = out;
        }
        FloatBuffer all = FloatBuffer.allocate(batch * runner.activationSize(depth));
        runner.runBlocks(1, depth, batch, batchIn, all);
        for (int s = 0; s < batch; s++) {
            int size = runner.activationSize(depth);
            for (int i = 0; i < size; i++) {
                assertEquals(singleFeatures[s][depth][i], all.get(s * size + i), 1e-5);
            }
        }
    }

    @Test
    void buffersAreReadAndWrittenAtTheirPositionAndPositionsStay() {
        int size0 = runner.activationSize(0);
        int size1 = runner.activationSize(1);
        float[] x = pkg.manifest().input().normalise(pkg.samples().image(3));
        FloatBuffer reference = FloatBuffer.allocate(size1);
        runner.runBlocks(1, 1, FloatBuffer.wrap(x), reference);

        FloatBuffer in = FloatBuffer.allocate(size0 + 5);
        in.position(5);
        in.put(x).position(5);
        FloatBuffer out = direct(size1 + 7);
        out.position(7);
        runner.runBlocks(1, 1, in, out);
        assertEquals(5, in.position());
        assertEquals(7, out.position());
        for (int i = 0; i < size1; i++) {
            assertEquals(reference.get(i), out.get(7 + i));
        }
    }

    @Test
    void directBuffersAtAnyOffsetAreUsedInPlaceWithTheSameResultsAsHeapBuffers() {
        int depth = runner.depth();
        int classes = runner.classes();
        float[] x = pkg.manifest().input().normalise(pkg.samples().image(11));
        // reference: heap buffers (copied through the runner's own buffers)
        float[][] features = new float[depth + 1][];
        float[][] logits = new float[depth + 1][classes];
        features[0] = x;
        for (int b = 1; b <= depth; b++) {
            FloatBuffer out = FloatBuffer.allocate(runner.activationSize(b));
            runner.runBlocks(b, b, FloatBuffer.wrap(features[b - 1]), out);
            runner.runExit(b, out, logits[b]);
            features[b] = out.array();
        }
        for (int offset : new int[] {0, 1, 3, 7}) {
            float[] l = new float[classes];
            for (int b = 1; b <= depth; b++) {
                FloatBuffer in = directAt(offset, features[b - 1]);
                FloatBuffer out = direct(runner.activationSize(b) + offset + 2).position(offset + 2);
                runner.runBlocks(b, b, in, out);
                assertEquals(offset, in.position());
                assertEquals(offset + 2, out.position());
                assertArrayEquals(features[b], copy(out, runner.activationSize(b)), "block " + b + " offset " + offset);
                runner.runExit(b, directAt(offset, features[b]), l);
                assertArrayEquals(logits[b], l, "exit " + b + " offset " + offset);
                FloatBuffer stepOut = direct(runner.activationSize(b) + offset).position(offset);
                runner.runBlockWithExit(b, in, stepOut, l);
                assertArrayEquals(features[b], copy(stepOut, runner.activationSize(b)), "step " + b + " offset " + offset);
                assertArrayEquals(logits[b], l, "step exit " + b + " offset " + offset);
            }
            FloatBuffer all = direct(runner.activationSize(depth) + offset).position(offset);
            runner.runBlocks(1, depth, directAt(offset, x), all);
            assertArrayEquals(features[depth], copy(all, runner.activationSize(depth)));
            float[] fusedLogits = new float[depth * classes];
            runner.runFused(directAt(offset, x), fusedLogits);
            for (int b = 1; b <= depth; b++) {
                for (int c = 0; c < classes; c++) {
                    assertEquals(logits[b][c], fusedLogits[(b - 1) * classes + c], 1e-5);
                }
            }
        }
    }

    @Test
    void theSameBufferMayBeInputAndOutput() {
        float[] x = pkg.manifest().input().normalise(pkg.samples().image(5));
        FloatBuffer h1 = FloatBuffer.allocate(runner.activationSize(1));
        runner.runBlocks(1, 1, FloatBuffer.wrap(x), h1);
        FloatBuffer h2 = FloatBuffer.allocate(runner.activationSize(2));
        runner.runBlocks(2, 2, h1, h2);
        FloatBuffer inPlace = directAt(0, h1.array());
        runner.runBlocks(2, 2, inPlace, inPlace);
        assertArrayEquals(h2.array(), copy(inPlace, runner.activationSize(2)));
        FloatBuffer heapInPlace = FloatBuffer.wrap(h1.array().clone());
        runner.runBlocks(2, 3, heapInPlace, heapInPlace);
        FloatBuffer h3 = FloatBuffer.allocate(runner.activationSize(3));
        runner.runBlocks(3, 3, h2, h3);
        assertArrayEquals(h3.array(), heapInPlace.array());
    }

    @Test
    void badArgumentsAreRejectedClearly() {
        FloatBuffer in = FloatBuffer.allocate(runner.activationSize(0));
        FloatBuffer out = FloatBuffer.allocate(runner.activationSize(1));
        float[] logits = new float[runner.classes()];
        assertThrows(IllegalArgumentException.class, () -> runner.runBlocks(0, 1, in, out));
        assertThrows(IllegalArgumentException.class, () -> runner.runBlocks(3, 2, in, out));
        assertThrows(IllegalArgumentException.class, () -> runner.runBlocks(1, 13, in, out));
        assertThrows(IllegalArgumentException.class, () -> runner.runExit(13, out, logits));
        assertThrows(IllegalArgumentException.class, () -> runner.runBlocks(1, 1, 0, in, out));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> runner.runBlocks(1, 2, in, FloatBuffer.allocate(10)));
        assertTrue(small.getMessage().contains("out has 10 floats remaining"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runner.runBlocks(1, 1, 2, in, out));
        assertThrows(IllegalArgumentException.class, () -> runner.runExit(1, out, new float[9]));
        assertThrows(IllegalArgumentException.class, () -> runner.activationSize(13));
        IllegalArgumentException readOnly = assertThrows(IllegalArgumentException.class,
                () -> runner.runBlocks(1, 1, in, direct(runner.activationSize(1)).asReadOnlyBuffer()));
        assertTrue(readOnly.getMessage().contains("read-only"), readOnly.getMessage());
    }

    @Test
    void nonFiniteFeaturesFailTheExitInsteadOfPassingThrough() {
        FloatBuffer features = FloatBuffer.allocate(runner.activationSize(4));
        features.put(100, Float.NaN);
        InferenceException e = assertThrows(InferenceException.class,
                () -> runner.runExit(4, features, new float[runner.classes()]));
        assertTrue(e.getMessage().contains(pkg.manifest().exit(4).file()), e.getMessage());
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    }

    @Test
    void closedRunnerRefusesEveryCallAndCloseIsIdempotent() throws ModelPackageException {
        OrtSegmentRunner r = OrtSegmentRunner.open(pkg, RunnerConfig.defaults());
        FloatBuffer in = FloatBuffer.allocate(r.activationSize(0));
        FloatBuffer out = FloatBuffer.allocate(r.activationSize(1));
        float[] logits = new float[r.classes()];
        r.runBlocks(1, 1, in, out);
        r.close();
        r.close();
        assertThrows(IllegalStateException.class, () -> r.runBlocks(1, 1, in, out));
        assertThrows(IllegalStateException.class, () -> r.runBlocks(1, 1, 4, in, out));
        assertThrows(IllegalStateException.class, () -> r.runExit(1, out, logits));
        assertThrows(IllegalStateException.class, () -> r.runExit(1, 2, out, logits));
        assertThrows(IllegalStateException.class, () -> r.runBlockWithExit(1, in, out, logits));
        assertThrows(IllegalStateException.class, () -> r.runFused(in, new float[120]));
    }

    @Test
    void fusedNeedsToBeLoaded() throws ModelPackageException {
        try (OrtSegmentRunner r = OrtSegmentRunner.open(pkg, RunnerConfig.defaults())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> r.runFused(FloatBuffer.allocate(r.activationSize(0)), new float[r.depth() * r.classes()]));
            assertTrue(e.getMessage().contains("fused"), e.getMessage());
        }
    }

    @Test
    void allRunnersShareOneThreadPoolSize() throws ModelPackageException {
        try (OrtSegmentRunner r = OrtSegmentRunner.open(pkg, RunnerConfig.defaults())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(2)));
            assertTrue(e.getMessage().contains("intra-op"), e.getMessage());
            assertEquals(12, r.depth());
        }
    }

    @Test
    void aModelOnnxRuntimeRefusesFailsAtOpenNamingTheFile() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        // a well-formed ModelProto (passes the package's protobuf check) with an IR version no runtime supports
        byte[] model = {0x08, (byte) 0xe7, 0x07, 0x3a, 0x00, 0x42, 0x02, 0x10, 0x11};
        Files.write(dir.resolve("block_04.onnx"), model);
        TestPackages.fixHash(dir, "block_04.onnx");
        ModelPackage corrupt = load(dir);
        ModelPackageException e = assertThrows(ModelPackageException.class,
                () -> OrtSegmentRunner.open(corrupt, RunnerConfig.defaults()).close());
        assertEquals(Code.ONNX_LOAD_FAILED, e.code(), e.getMessage());
        assertEquals("block_04.onnx", e.file());
        assertTrue(e.getMessage().startsWith("block_04.onnx: ONNX Runtime cannot load it"), e.getMessage());
    }

    @Test
    void aModelWhoseShapesDisagreeWithTheManifestFailsAtOpenNamingTheFile() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        Files.copy(dir.resolve("exit_05.onnx"), dir.resolve("exit_01.onnx"), StandardCopyOption.REPLACE_EXISTING);
        TestPackages.fixHash(dir, "exit_01.onnx");
        ModelPackage corrupt = load(dir);
        ModelPackageException e = assertThrows(ModelPackageException.class,
                () -> OrtSegmentRunner.open(corrupt, RunnerConfig.defaults()).close());
        assertEquals(Code.ONNX_SIGNATURE_MISMATCH, e.code(), e.getMessage());
        assertEquals("exit_01.onnx", e.file());
        assertTrue(e.getMessage().contains("[-1, 32, 14, 14] but the manifest says [N, 16, 28, 28]"), e.getMessage());
    }

    private static ModelPackage load(Path dir) {
        try {
            return ModelPackage.load(dir);
        } catch (ModelPackageException e) {
            throw new AssertionError("the package itself should still load: " + e.getMessage(), e);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** A direct buffer holding {@code values} from position {@code offset} (position set there). */
    private static FloatBuffer directAt(int offset, float[] values) {
        FloatBuffer b = direct(offset + values.length);
        b.put(offset, values);
        return b.position(offset);
    }

    /** {@code n} floats of {@code b} from its position. */
    private static float[] copy(FloatBuffer b, int n) {
        float[] out = new float[n];
        b.get(b.position(), out);
        return out;
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer b = direct(values.length);
        b.put(0, values);
        return b;
    }
}
