package io.splitee.bench;

import io.splitee.model.IdxSamples;
import io.splitee.model.InputSpec;
import io.splitee.model.ModelPackage;
import io.splitee.model.ModelPackageException;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.Softmax;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.FrameException;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ModelCatalog;
import io.splitee.wire.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Final-exit accuracy when the features after a split block travel through the real wire path
 * (issue #4): for every test image and every split block b, the features after block b are put in a
 * features {@link Frame}, encoded with {@link FrameEncoder} (fp32, fp16, int8, int8 per channel),
 * decoded with {@link FrameDecoder} against a catalog of the model, and blocks b+1..L and the final
 * exit run on the decoded values, as the gateway would. Prints Markdown: accuracy and drop versus
 * fp32 per block and encoding, the worst drop per encoding against the targets (fp16 ≤ 0.2 points,
 * int8 ≤ 0.5 points), and the mean bytes on the wire per block per encoding over the real features
 * (int8 and int8-per-channel also deflated), against the raw sample. fp32 is lossless, so its
 * accuracy must equal the unencoded network's exactly; the harness checks that too.
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.EncodingAccuracy --model DIR
 *      [--images FILE --labels FILE] [--blocks 1-12|2,4,6] [--limit N] [--batch 250] [--threads 2]
 * </pre>
 * Defaults: the Fashion-MNIST test set of Debian's {@code dataset-fashion-mnist} package, every
 * block, all images, batches of 250, two intra-op threads.
 */
public final class EncodingAccuracy {

    private static final String DATASETS = "/usr/share/datasets/fashion-mnist/";
    private static final Encoding[] ENCODINGS = {Encoding.FP32, Encoding.FP16, Encoding.INT8, Encoding.INT8_PER_CHANNEL};
    /** Encodings whose deflated size is also measured (on every sample). */
    private static final Encoding[] DEFLATED = {Encoding.INT8, Encoding.INT8_PER_CHANNEL};
    private static final double FP16_TARGET = 0.2;
    private static final double INT8_TARGET = 0.5;
    private static final Instant DEVICE_TIME = Instant.parse("2026-11-28T12:00:00Z");

    private EncodingAccuracy() {
    }

    /** Options, validated. */
    record Options(Path model, Path images, Path labels, List<Integer> blocks, int limit, int batch, int threads) {
        Options {
            if (model == null) {
                throw new IllegalArgumentException("--model DIR is required (the model package directory)");
            }
            if (batch < 1) {
                throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
            }
            if (limit < 0) {
                throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
            }
        }
    }

    /**
     * Runs the measurement and prints the tables.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        try {
            run(parse(args));
        } catch (IllegalArgumentException | ModelPackageException | IOException | FrameException e) {
            System.err.println("EncodingAccuracy: " + e.getMessage());
            System.exit(2);
        }
    }

    static Options parse(String[] args) {
        Path model = null;
        Path images = Path.of(DATASETS + "t10k-images-idx3-ubyte.gz");
        Path labels = Path.of(DATASETS + "t10k-labels-idx1-ubyte.gz");
        String blocks = null;
        int limit = 0;
        int batch = 250;
        int threads = 2;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: EncodingAccuracy --model DIR [--images IDX3.gz --labels IDX1.gz]"
                        + " [--blocks 1-12|2,4,6] [--limit N] [--batch 250] [--threads 2]");
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--model" -> model = Path.of(v);
                case "--images" -> images = Path.of(v);
                case "--labels" -> labels = Path.of(v);
                case "--blocks" -> blocks = v;
                case "--limit" -> limit = integer(a, v);
                case "--batch" -> batch = integer(a, v);
                case "--threads" -> threads = integer(a, v);
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        return new Options(model, images, labels, blocks == null ? null : blockList(blocks), limit, batch, threads);
    }

    private static int integer(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be an integer, got \"" + v + "\"");
        }
    }

    /** "1-12", "2,4,6" or a mix; sorted, distinct. */
    private static List<Integer> blockList(String spec) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            if (dash > 0) {
                int from = integer("--blocks", p.substring(0, dash));
                int to = integer("--blocks", p.substring(dash + 1));
                for (int b = from; b <= to; b++) {
                    out.add(b);
                }
            } else {
                out.add(integer("--blocks", p));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--blocks names no block");
        }
        return List.copyOf(out);
    }

    static void run(Options o) throws ModelPackageException, IOException, FrameException {
        long start = System.nanoTime();
        ModelPackage pkg = ModelPackage.load(o.model());
        int depth = pkg.depth();
        List<Integer> splits = o.blocks() == null ? range(1, depth) : o.blocks();
        for (int b : splits) {
            if (b < 1 || b > depth) {
                throw new IllegalArgumentException("--blocks: block " + b + " is not in 1.." + depth);
            }
        }
        for (Path p : List.of(o.images(), o.labels())) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(p + " does not exist (install Debian's dataset-fashion-mnist "
                        + "or pass --images and --labels)");
            }
        }
        IdxSamples test = IdxSamples.parse(Files.readAllBytes(o.images()), o.images().toString(),
                Files.readAllBytes(o.labels()), o.labels().toString());
        InputSpec input = pkg.manifest().input();
        if (test.rows() != input.image().height() || test.cols() != input.image().width() || input.image().channels() != 1) {
            throw new IllegalArgumentException(o.images() + " holds " + test.rows() + "x" + test.cols()
                    + " images but the model takes " + input.tensor());
        }
        int n = o.limit() == 0 ? test.count() : Math.min(o.limit(), test.count());
        int classes = pkg.labels().size();

        String modelId = pkg.manifest().id();
        ManifestHash hash = ManifestHash.ofHex(pkg.manifestSha256());
        List<TensorSpec> wireSpecs = new ArrayList<>();
        wireSpecs.add(input.tensor().spec());
        for (int b = 1; b <= depth; b++) {
            wireSpecs.add(pkg.manifest().block(b).output().spec());
        }
        int[] size = new int[depth + 1];
        for (int b = 0; b <= depth; b++) {
            size[b] = wireSpecs.get(b).elementCount();
        }

        int encs = ENCODINGS.length;
        long[][] correct = new long[depth + 1][encs]; // [block][encoding]
        long[][] flips = new long[depth + 1][encs]; // predictions differing from the unencoded network's
        long[][] bytes = new long[depth + 1][encs + DEFLATED.length]; // block 0: the raw sample
        long[] zeros = new long[depth + 1];
        long unencodedCorrect = 0;
        long fp32Mismatches = 0; // decoded fp32 values not bit-identical to the originals
        long ortNanos = 0;
        long wireNanos = 0;

        RunnerConfig config = RunnerConfig.defaults().withIntraOpThreads(o.threads()).withFused(false);
        try (OrtSegmentRunner runner = OrtSegmentRunner.open(pkg, config);
                FrameEncoder encoder = new FrameEncoder();
                FrameDecoder decoder = new FrameDecoder(ModelCatalog.of(modelId, hash, wireSpecs))) {
            FloatBuffer[] act = new FloatBuffer[depth + 1];
            for (int b = 0; b <= depth; b++) {
                act[b] = direct(o.batch() * size[b]);
            }
            FloatBuffer[] decoded = new FloatBuffer[depth + 1];
            for (int b = 1; b <= depth; b++) {
                decoded[b] = direct(o.batch() * size[b]);
            }
            FloatBuffer last = direct(o.batch() * size[depth]);
            float[] logits = new float[o.batch() * classes];
            int[] reference = new int[o.batch()];
            int[] labels = new int[o.batch()];

            for (int first = 0; first < n; first += o.batch()) {
                int m = Math.min(o.batch(), n - first);
                for (int s = 0; s < m; s++) {
                    byte[] pixels = test.image(first + s);
                    input.normalise(pixels, slice(act[0], s * size[0], size[0]));
                    labels[s] = test.label(first + s);
                    for (byte p : pixels) {
                        if (p == 0) {
                            zeros[0]++;
                        }
                    }
                }
                long t0 = System.nanoTime();
                for (int b = 1; b <= depth; b++) {
                    runner.runBlocks(b, b, m, act[b - 1], act[b]);
                }
                runner.runExit(depth, m, act[depth], logits);
                ortNanos += System.nanoTime() - t0;
                for (int s = 0; s < m; s++) {
                    reference[s] = Softmax.argmax(logits, s * classes, classes);
                    if (reference[s] == labels[s]) {
                        unencodedCorrect++;
                    }
                }
                // the raw sample on the wire, for comparison
                t0 = System.nanoTime();
                for (int s = 0; s < m; s++) {
                    Frame f = Frame.sample(modelId, hash, 0, wireSpecs.get(0), sampleId(first + s), DEVICE_TIME,
                            slice(act[0], s * size[0], size[0]));
                    measureSizes(encoder, f, bytes[0], true);
                }
                for (int b = 1; b <= depth; b++) {
                    for (int s = 0; s < m; s++) {
                        FloatBuffer v = slice(act[b], s * size[b], size[b]);
                        for (int i = 0; i < size[b]; i++) {
                            if (v.get(i) == 0f) {
                                zeros[b]++;
                            }
                        }
                        Frame f = Frame.features(modelId, hash, b, wireSpecs.get(b), sampleId(first + s), DEVICE_TIME, v);
                        // uncompressed sizes of the split blocks are counted in the accuracy loop below
                        measureSizes(encoder, f, bytes[b], !splits.contains(b));
                    }
                }
                wireNanos += System.nanoTime() - t0;

                for (int b : splits) {
                    for (int e = 0; e < encs; e++) {
                        t0 = System.nanoTime();
                        for (int s = 0; s < m; s++) {
                            Frame f = Frame.features(modelId, hash, b, wireSpecs.get(b), sampleId(first + s),
                                    DEVICE_TIME, slice(act[b], s * size[b], size[b]))
                                    .encodedAs(ENCODINGS[e], Compression.NONE);
                            byte[] wire = encoder.encode(f);
                            bytes[b][e] += wire.length;
                            int offset = s * size[b];
                            FloatBuffer dst = decoded[b].duplicate().position(offset);
                            Frame back = decoder.decode(ByteBuffer.wrap(wire), count -> dst);
                            if (back.block() != b || back.encoding() != ENCODINGS[e]) {
                                throw new IllegalStateException("decoded frame is block " + back.block() + " "
                                        + back.encoding() + ", expected block " + b + " " + ENCODINGS[e]);
                            }
                            if (ENCODINGS[e] == Encoding.FP32) {
                                for (int i = 0; i < size[b]; i++) {
                                    if (Float.floatToRawIntBits(decoded[b].get(offset + i))
                                            != Float.floatToRawIntBits(act[b].get(offset + i))) {
                                        fp32Mismatches++;
                                    }
                                }
                            }
                        }
                        wireNanos += System.nanoTime() - t0;
                        t0 = System.nanoTime();
                        FloatBuffer features = decoded[b];
                        if (b < depth) {
                            runner.runBlocks(b + 1, depth, m, decoded[b], last);
                            features = last;
                        }
                        runner.runExit(depth, m, features, logits);
                        ortNanos += System.nanoTime() - t0;
                        for (int s = 0; s < m; s++) {
                            int pred = Softmax.argmax(logits, s * classes, classes);
                            if (pred == labels[s]) {
                                correct[b][e]++;
                            }
                            if (pred != reference[s]) {
                                flips[b][e]++;
                            }
                        }
                    }
                }
                System.err.printf(Locale.ROOT, "%d/%d images, %.0f s%n", first + m, n, (System.nanoTime() - start) / 1e9);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        print(pkg, o, n, splits, wireSpecs, correct, flips, bytes, zeros, unencodedCorrect, fp32Mismatches);
        System.out.printf(Locale.ROOT, "%nRun time %.0f s (ONNX Runtime %.0f s, frame encode/decode %.0f s), "
                + "%d intra-op threads, batches of %d.%n", seconds, ortNanos / 1e9, wireNanos / 1e9, o.threads(), o.batch());
    }

    /** Adds the frame's deflated sizes and, if asked, its uncompressed size in every encoding. */
    private static void measureSizes(FrameEncoder encoder, Frame f, long[] into, boolean uncompressed) {
        for (int e = 0; uncompressed && e < ENCODINGS.length; e++) {
            into[e] += encoder.encode(f.encodedAs(ENCODINGS[e], Compression.NONE)).length;
        }
        for (int d = 0; d < DEFLATED.length; d++) {
            into[ENCODINGS.length + d] += encoder.encode(f.encodedAs(DEFLATED[d], Compression.DEFLATE)).length;
        }
    }

    private static void print(ModelPackage pkg, Options o, int n, List<Integer> splits, List<TensorSpec> specs,
            long[][] correct, long[][] flips, long[][] bytes, long[] zeros, long unencodedCorrect, long fp32Mismatches) {
        int depth = pkg.depth();
        double unencoded = 100.0 * unencodedCorrect / n;
        System.out.printf(Locale.ROOT, "Model %s %s (manifest %s…), %d test images (%s), split blocks %s.%n%n",
                pkg.manifest().id(), pkg.manifest().version(), pkg.manifestSha256().substring(0, 12), n,
                o.images().getFileName(), splits.size() == depth ? "1-" + depth : splits.toString());
        System.out.printf(Locale.ROOT, "Unencoded final-exit accuracy (ONNX Runtime, blocks 1-%d, exit %d): %.2f %%", depth,
                depth, unencoded);
        double[] trained = pkg.manifest().metrics().testAccuracy();
        if (trained.length == depth && n == 10_000) {
            System.out.printf(Locale.ROOT, " (manifest metrics, PyTorch: %.2f %%)", 100 * trained[depth - 1]);
        }
        System.out.println(".");
        System.out.println();
        System.out.println("Final-exit accuracy with the features after block b sent through the wire (encode → decode"
                + " → blocks b+1..L → exit L); Δ = accuracy − fp32 accuracy in percentage points; "
                + "flips = predictions that differ from the unencoded network's.");
        System.out.println();
        System.out.println("| split after block | tensor | fp32 (control) | fp16 | Δ fp16 (flips) | int8 | Δ int8 (flips)"
                + " | int8_per_channel | Δ int8_per_channel (flips) |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        double[] worst = new double[ENCODINGS.length];
        int[] worstAt = new int[ENCODINGS.length];
        boolean controlExact = true;
        for (int b : splits) {
            double fp32 = 100.0 * correct[b][0] / n;
            controlExact &= correct[b][0] == unencodedCorrect && flips[b][0] == 0;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %.2f %%%s |", b,
                    shape(specs.get(b)), fp32, flips[b][0] == 0 ? "" : " (" + flips[b][0] + " flips!)"));
            for (int e = 1; e < ENCODINGS.length; e++) {
                double acc = 100.0 * correct[b][e] / n;
                double delta = acc - fp32;
                if (worstAt[e] == 0 || -delta > worst[e]) {
                    worst[e] = -delta;
                    worstAt[e] = b;
                }
                row.append(String.format(Locale.ROOT, " %.2f %% | %+.2f (%d) |", acc, delta, flips[b][e]));
            }
            System.out.println(row);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "fp32 control: %s (decoded fp32 values differing from the originals: %d).%n",
                controlExact ? "equals the unencoded accuracy exactly at every split, no prediction changed"
                        : "DIFFERS from the unencoded network", fp32Mismatches);
        System.out.println();
        System.out.println("| encoding | worst drop (points) | at block | target | met |");
        System.out.println("|---|---:|---:|---:|---|");
        for (int e = 1; e < ENCODINGS.length; e++) {
            double target = ENCODINGS[e] == Encoding.FP16 ? FP16_TARGET : INT8_TARGET;
            double shown = worst[e] + 0.0; // -0.0 + 0.0 is +0.0: no "-0.00" when nothing dropped
            System.out.printf(Locale.ROOT, "| %s | %.2f | %d | ≤ %.1f | %s |%n", ENCODINGS[e].jsonName(), shown,
                    worstAt[e], target, worst[e] <= target + 1e-9 ? "yes" : "**no**");
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Bytes on the wire per frame (whole frame, header included, %d-byte sample id; "
                + "mean over the %d images; deflate level 1):%n%n", sampleId(0).length(), n);
        StringBuilder head = new StringBuilder("| block | tensor | zeros¹ |");
        StringBuilder rule = new StringBuilder("|---|---|---:|");
        for (Encoding e : ENCODINGS) {
            head.append(' ').append(e.jsonName()).append(" |");
            rule.append("---:|");
        }
        for (Encoding e : DEFLATED) {
            head.append(' ').append(e.jsonName()).append("+deflate |");
            rule.append("---:|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (int b = 0; b <= depth; b++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %.0f%% |",
                    b == 0 ? "0 (raw sample)" : Integer.toString(b), shape(specs.get(b)),
                    100.0 * zeros[b] / ((double) n * specs.get(b).elementCount())));
            for (long total : bytes[b]) {
                row.append(String.format(Locale.ROOT, " %,.0f |", (double) total / n));
            }
            System.out.println(row);
        }
        System.out.printf(Locale.ROOT, "%n¹ exact zeros in the fp32 features; for the raw sample, background pixels "
                + "(value 0 before normalisation).%nRaw sample: %d B as uint8 pixels, %,.0f B as an fp32 frame, %,.0f B "
                + "as an int8 frame.%n", specs.get(0).elementCount(), (double) bytes[0][0] / n, (double) bytes[0][2] / n);
    }

    private static String shape(TensorSpec t) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < t.rank(); i++) {
            b.append(i == 0 ? "" : ",").append(t.dim(i));
        }
        return b.append(']').toString();
    }

    private static String sampleId(int i) {
        return String.format(Locale.ROOT, "t10k-%05d", i);
    }

    private static FloatBuffer slice(FloatBuffer b, int offset, int length) {
        return b.slice(offset, length);
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int b = from; b <= to; b++) {
            out.add(b);
        }
        return out;
    }
}
