package io.splitee.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.splitee.model.ModelPackage;
import io.splitee.model.ModelPackageException;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Harness: measures a cost profile of a model package on this machine and writes it as JSON (the
 * format {@code simulate --cost-profile} reads; see docs/payload.md):
 * <ul>
 *   <li>device: per-block and per-exit median ms, one sample at a time, 1 intra-op thread
 *       ({@code runBlocks(i, i)}, {@code runExit(i)}, each call timed);
 *   <li>gateway: per-block median ms at batch 1 and (informational) per sample at batch 8, and the
 *       final exit at batch 1, also with 1 intra-op thread (ONNX Runtime's thread pool is shared per
 *       process, so one value per process; a real gateway with more cores is faster: an upper bound);
 *   <li>wire: exact frame bytes ({@link FrameEncoder}, header included, a 24-character sample id as
 *       the daemon assumes) of the raw sample and of the real features after each block of the shipped
 *       samples, per encoding, without and with deflate, averaged over the samples.
 * </ul>
 * Also writes the demo's Wi-Fi link (20 Mbit/s, 5 ms) as the profile's default link, and an energy
 * section estimated from a Raspberry Pi 4's published power and a radio's energy per byte (cited in the
 * file), marked {@code "estimated": true}.
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.CostProfileBench \
 *     [--model models/fmnist-resnet12] [--samples 50] [--rounds 10] [--warmup 2] \
 *     [--machine "2-core x86-64 VM"] [--out models/fmnist-resnet12/profiles/x86-vm.json]
 * </pre>
 */
public final class CostProfileBench {

    private static final int BATCH = 8;

    private CostProfileBench() {
    }

    /**
     * Measures and writes the profile.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws IOException {
        Path model = Path.of("models/fmnist-resnet12");
        Path out = null;
        int samples = 50;
        int rounds = 10;
        int warmup = 2;
        int gatewayThreads = 1;
        String machine = "2-core x86-64 VM (shared, noisy)";
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--model" -> model = Path.of(v);
                    case "--out" -> out = Path.of(v);
                    case "--samples" -> samples = positive(args[i], v);
                    case "--rounds" -> rounds = positive(args[i], v);
                    case "--warmup" -> warmup = positive(args[i], v);
                    case "--machine" -> machine = v;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (out == null) {
            out = model.resolve("profiles/x86-vm.json");
        }
        try {
            ObjectNode profile = measure(model, samples, rounds, warmup, gatewayThreads, machine);
            Files.createDirectories(out.toAbsolutePath().getParent());
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Files.writeString(out, json.writeValueAsString(profile) + "\n");
            System.out.println("wrote " + out);
            System.out.println(json.writeValueAsString(profile));
        } catch (ModelPackageException e) {
            System.err.println("error: cannot load the model package: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int positive(String option, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(option + " needs a positive integer, got " + value);
    }

    static ObjectNode measure(Path model, int samples, int rounds, int warmup, int gatewayThreads, String machine)
            throws ModelPackageException {
        ModelPackage pkg = ModelPackage.load(model);
        int n = Math.min(samples, pkg.samples().count());
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("schema", 1);
        root.put("model", pkg.manifest().id() + " " + pkg.manifest().version());
        root.put("manifest_sha256", pkg.manifestSha256());
        root.put("machine", machine + ", java " + System.getProperty("java.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " cpus");
        root.put("method", String.format(Locale.ROOT, "CostProfileBench: %d samples x %d rounds after %d warm-up rounds; "
                + "medians; device 1 intra-op thread; gateway %d intra-op threads; wire bytes mean over %d samples",
                n, rounds, warmup, gatewayThreads, n));
        try (OrtSegmentRunner device = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(1))) {
            int depth = device.depth();
            FloatBuffer[] inputs = new FloatBuffer[n];
            float[][][] features = new float[n][depth + 1][];
            FloatBuffer[] act = new FloatBuffer[depth + 1];
            for (int b = 1; b <= depth; b++) {
                act[b] = direct(device.activationSize(b));
            }
            float[] logits = new float[device.classes()];
            long[][] block = new long[depth][rounds * n];
            long[][] exit = new long[depth][rounds * n];
            for (int s = 0; s < n; s++) {
                inputs[s] = direct(device.activationSize(0));
                pkg.manifest().input().normalise(pkg.samples().image(s), inputs[s]);
            }
            for (int r = -warmup; r < rounds; r++) {
                for (int s = 0; s < n; s++) {
                    FloatBuffer in = inputs[s];
                    for (int b = 1; b <= depth; b++) {
                        long t0 = System.nanoTime();
                        device.runBlocks(b, b, in, act[b]);
                        long t1 = System.nanoTime();
                        device.runExit(b, act[b], logits);
                        long t2 = System.nanoTime();
                        if (r >= 0) {
                            block[b - 1][r * n + s] = t1 - t0;
                            exit[b - 1][r * n + s] = t2 - t1;
                        } else if (r == -1) {
                            features[s][b] = new float[device.activationSize(b)];
                            act[b].get(0, features[s][b]);
                        }
                        in = act[b];
                    }
                }
            }
            ObjectNode dev = root.putObject("device");
            dev.put("threads", 1);
            medians(dev.putArray("block_ms"), block);
            medians(dev.putArray("exit_ms"), exit);
            gateway(pkg, root.putObject("gateway"), inputs, n, rounds, warmup, gatewayThreads);
            wire(pkg, root.putObject("wire"), inputs, features, depth);
        }
        ObjectNode link = root.putObject("link");
        link.put("name", "wifi");
        link.put("bits_per_second", 20_000_000);
        link.put("rtt_ms", 5);
        energy(root.putObject("energy"), (ObjectNode) root.get("device"));
        return root;
    }

    /** A Raspberry Pi 4 Model B idle and under 4-core stress, W (cited in {@link #ENERGY_SOURCE}). */
    static final double PI4_IDLE_W = 2.7;
    static final double PI4_LOAD_W = 6.4;
    /** The radio's energy per byte sent, mJ (cited in {@link #ENERGY_SOURCE}). */
    static final double WIFI_MJ_PER_BYTE = 0.0019;
    static final String ENERGY_SOURCE = "ESTIMATED until a board measures its own (power.sensor=ina219): "
            + "each block and exit head costs (load_w - idle_w) x its device.block_ms / exit_ms above (W x ms = mJ), with a Raspberry Pi 4 "
            + "Model B's power idle (540 mA, 2.7 W) and with all four cores under stress --cpu 4 (1280 mA, 6.4 "
            + "W) as measured by Jeff Geerling, https://www.pidramble.com/wiki/benchmarks/power-consumption; "
            + "an upper bound for the daemon's 1 intra-op thread, and at this profile's x86 times (simulate "
            + "--board-slowdown scales energy with the times). link_mj_per_byte: 1.9 uJ per byte sent, the "
            + "per-byte term of the send energy measured on an IEEE 802.11 interface (L. M. Feeney and M. "
            + "Nilsson, IEEE INFOCOM 2001), as tabulated in "
            + "http://kunz-pc.sce.carleton.ca/talks/Energy_files/slide0041.htm; a 2 Mbit/s card of 2001 (a Pi "
            + "4's radio spends less per byte), the fixed 420 uJ per packet left out";

    /**
     * The estimated energy section (docs/payload.md): each block and exit head costs
     * {@code (PI4_LOAD_W − PI4_IDLE_W) · ms} mJ at the times just measured, until a board measures its own.
     */
    private static void energy(ObjectNode energy, ObjectNode device) {
        energy.put("estimated", true);
        energy.put("source", ENERGY_SOURCE);
        energy.put("idle_w", PI4_IDLE_W);
        energy.put("load_w", PI4_LOAD_W);
        for (String k : new String[] {"block", "exit"}) {
            ArrayNode mj = energy.putArray(k + "_mj");
            device.get(k + "_ms").forEach(ms -> mj.add(
                    Math.round((PI4_LOAD_W - PI4_IDLE_W) * ms.doubleValue() * 1e6) / 1e6));
        }
        energy.put("link_mj_per_byte", WIFI_MJ_PER_BYTE);
    }

    private static void gateway(ModelPackage pkg, ObjectNode gw, FloatBuffer[] inputs, int n, int rounds, int warmup,
                                int threads) throws ModelPackageException {
        try (OrtSegmentRunner runner = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(threads))) {
            int depth = runner.depth();
            FloatBuffer[] act = new FloatBuffer[depth + 1];
            FloatBuffer[] batchAct = new FloatBuffer[depth + 1];
            for (int b = 0; b <= depth; b++) {
                act[b] = direct(runner.activationSize(b));
                batchAct[b] = direct(BATCH * runner.activationSize(b));
            }
            float[] logits = new float[runner.classes()];
            float[] batchLogits = new float[BATCH * runner.classes()];
            int batches = Math.max(1, n / BATCH);
            long[][] block = new long[depth][rounds * n];
            long[][] exit = new long[1][rounds * n];
            long[][] block8 = new long[depth][rounds * batches];
            for (int r = -warmup; r < rounds; r++) {
                for (int s = 0; s < n; s++) {
                    FloatBuffer in = inputs[s];
                    for (int b = 1; b <= depth; b++) {
                        long t0 = System.nanoTime();
                        runner.runBlocks(b, b, in, act[b]);
                        long t1 = System.nanoTime();
                        if (r >= 0) {
                            block[b - 1][r * n + s] = t1 - t0;
                        }
                        in = act[b];
                    }
                    long t0 = System.nanoTime();
                    runner.runExit(depth, act[depth], logits);
                    if (r >= 0) {
                        exit[0][r * n + s] = System.nanoTime() - t0;
                    }
                }
                for (int k = 0; k < batches; k++) {
                    for (int j = 0; j < BATCH; j++) {
                        batchAct[0].put(j * runner.activationSize(0), inputs[(k * BATCH + j) % n], 0, runner.activationSize(0));
                    }
                    for (int b = 1; b <= depth; b++) {
                        long t0 = System.nanoTime();
                        runner.runBlocks(b, b, BATCH, batchAct[b - 1], batchAct[b]);
                        long t1 = System.nanoTime();
                        if (r >= 0) {
                            block8[b - 1][r * batches + k] = (t1 - t0) / BATCH;
                        }
                    }
                    runner.runExit(depth, BATCH, batchAct[depth], batchLogits);
                }
            }
            gw.put("threads", threads);
            medians(gw.putArray("block_ms"), block);
            gw.put("exit_ms", round(median(exit[0]) / 1e6));
            medians(gw.putArray("block_ms_per_sample_at_batch_8"), block8);
        }
    }

    private static void wire(ModelPackage pkg, ObjectNode wire, FloatBuffer[] inputs, float[][][] features, int depth) {
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        String id = "x".repeat(24);
        Instant t = Instant.parse("2026-11-28T12:00:00Z");
        int n = inputs.length;
        try (FrameEncoder enc = new FrameEncoder()) {
            for (Compression c : Compression.values()) {
                for (Encoding e : Encoding.values()) {
                    String key = e.jsonName() + (c == Compression.DEFLATE ? "+deflate" : "");
                    double raw = 0;
                    double[] feat = new double[depth + 1];
                    for (int s = 0; s < n; s++) {
                        TensorSpec in = pkg.manifest().input().tensor().spec();
                        raw += enc.encode(Frame.sample(pkg.manifest().id(), hash, 0, in, id, t, inputs[s].duplicate())
                                .encodedAs(e, c)).length;
                        for (int b = 1; b <= depth; b++) {
                            TensorSpec spec = pkg.manifest().block(b).output().spec();
                            feat[b] += enc.encode(Frame.features(pkg.manifest().id(), hash, b, spec, id, t,
                                    FloatBuffer.wrap(features[s][b])).encodedAs(e, c)).length;
                        }
                    }
                    ObjectNode w = wire.putObject(key);
                    w.put("raw", Math.round(raw / n));
                    ArrayNode f = w.putArray("features");
                    for (int b = 1; b <= depth; b++) {
                        f.add(Math.round(feat[b] / n));
                    }
                }
            }
        }
    }

    private static void medians(ArrayNode out, long[][] nanos) {
        for (long[] v : nanos) {
            out.add(round(median(v) / 1e6));
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 10_000) / 10_000.0;
    }

    private static double median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        int m = c.length / 2;
        return c.length % 2 == 1 ? c[m] : (c[m - 1] + c[m]) / 2.0;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
