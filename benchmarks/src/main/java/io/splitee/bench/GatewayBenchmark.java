package io.splitee.bench;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.splitee.gateway.config.GatewayConfig;
import io.splitee.gateway.service.Gateway;
import io.splitee.model.ModelPackage;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.SegmentRunner;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ModelCatalog;
import io.splitee.wire.TensorSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The offload gateway's throughput and queueing delay, side by side with bare batched ONNX Runtime
 * calls on the same blocks, in one run (about 100 s). Everything runs on this machine: a real
 * Mosquitto on loopback, the gateway in-process, and the publishers of real feature frames.
 *
 * <p>For the main split (after block a, fp16 frames as a device sends them):
 * <ol>
 * <li>bare: W threads, each with its own runner, looping {@code runBlocks(a+1, L, B)} +
 *     {@code runExit(L, B)} on the decoded features, for B = 1 and B = the batch size; the batched
 *     loop runs again after the gateway's peak, so the ratio brackets the gateway run;</li>
 * <li>one gateway (W workers), publishers in a closed loop (8 batches outstanding): peak throughput
 *     with batching on, and with batches of 1;</li>
 * <li>open loop (Poisson arrivals) at 50 % and 90 % of the measured peak: queueing delay (frame
 *     arrival to batch start) and gateway time (arrival to answer) p50/p99 from the gateway's
 *     meters, round trip p50/p99 at the publisher;</li>
 * <li>two and three gateway instances in one shared group, closed loop.</li>
 * </ol>
 * Each further split (default: the raw sample, block 0) gets the bare batched loop and the peak.
 *
 * <p>The machine is shared, so next to samples/s each row gives the CPU it got: CPU milliseconds
 * per sample of the gateway's own threads (workers, MQTT client, responder; not GC, JIT, the
 * broker or the publishers) against the bare loop's, and the cores the JVM and the broker used.
 *
 * <pre>java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.GatewayBenchmark \
 *     [--model models/fmnist-resnet12] [--splits 4,0] [--workers 2] [--batch 16] [--seconds 5] \
 *     [--broker-inflight 20] [--phases bare,peak,single,latency,scale]</pre>
 */
public final class GatewayBenchmark {

    private GatewayBenchmark() {
    }

    /** Runs every phase and prints the tables (Markdown). */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Map<String, String> a = new LinkedHashMap<>();
        a.put("--model", System.getProperty("splitee.model.dir", "models/fmnist-resnet12"));
        a.put("--splits", "4,0");
        a.put("--workers", "2");
        a.put("--batch", "16");
        a.put("--seconds", "5");
        a.put("--broker-inflight", "20");
        a.put("--phases", "bare,peak,single,latency,scale");
        for (int i = 0; i < args.length; i += 2) {
            if (!a.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("usage: GatewayBenchmark " + a.keySet().stream().map(k -> k + " V")
                        .reduce((x, y) -> x + " " + y).orElse(""));
                System.exit(2);
            }
            a.put(args[i], args[i + 1]);
        }
        Path model = Path.of(a.get("--model"));
        int workers = Integer.parseInt(a.get("--workers"));
        int batch = Integer.parseInt(a.get("--batch"));
        Duration measure = Duration.ofSeconds(Long.parseLong(a.get("--seconds")));
        Duration warmup = Duration.ofSeconds(2);
        int brokerInflight = Integer.parseInt(a.get("--broker-inflight"));
        List<String> phases = List.of(a.get("--phases").split(","));
        String[] splits = a.get("--splits").split(",");

        ModelPackage pkg = ModelPackage.load(model);
        RunnerConfig rc = RunnerConfig.defaults().withIntraOpThreads(1).withFused(false);
        System.out.printf(Locale.ROOT, "model %s %s (L = %d); %d worker(s) / bare threads, batch <= %d; "
                        + "%d cores; Java %s; %s%n%n", pkg.manifest().id(), pkg.manifest().version(), pkg.depth(),
                workers, batch, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
                a);

        List<String[]> rows = new ArrayList<>();
        List<String[]> latency = new ArrayList<>();
        try (GatewayBenchBroker broker = GatewayBenchBroker.start(brokerInflight)) {
            for (int s = 0; s < splits.length; s++) {
                int block = Integer.parseInt(splits[s].trim());
                boolean main = s == 0;
                Split split = Split.make(pkg, rc, block);
                String at = "split " + block + " (" + split.frameBytes + " B frames)";
                try (GatewayBenchLoad load = new GatewayBenchLoad(broker.uri(), split.frames)) {
                    Measured bare1 = null;
                    Measured bareB = null;
                    if (phases.contains("bare")) {
                        if (main) {
                            bare1 = bare(pkg, rc, split, workers, 1, warmup.dividedBy(2), measure);
                            rows.add(row(at + ", bare ONNX Runtime, batch 1", bare1, ""));
                        }
                        bareB = bare(pkg, rc, split, workers, batch, warmup.dividedBy(2), measure);
                        rows.add(row(at + ", bare ONNX Runtime, batch " + batch, bareB, bare1 == null ? ""
                                : String.format(Locale.ROOT, "%.2fx bare batch 1", bareB.perSecond / bare1.perSecond)));
                    }
                    Measured peak = null;
                    if (phases.contains("peak") || phases.contains("latency")) {
                        try (Gateway g = Gateway.start(config("bench-1", broker.uri(), model, workers, batch, "2ms"))) {
                            peak = closed(load, broker, 8 * batch, warmup, measure);
                            rows.add(row(at + ", gateway, batch <= " + batch, peak, String.format(Locale.ROOT,
                                    "mean batch %.1f", mean(g, "splitee.gateway.batch.size"))));
                        }
                        if (bareB != null) {
                            Measured again = bare(pkg, rc, split, workers, batch, warmup.dividedBy(2), measure);
                            rows.add(row(at + ", bare ONNX Runtime, batch " + batch + ", again", again, ""));
                            double bracket = (bareB.perSecond + again.perSecond) / 2;
                            rows.add(new String[] {at + ": **gateway / bare batched**", String.format(Locale.ROOT,
                                    "**%.2fx**", peak.perSecond / bracket), String.format(Locale.ROOT,
                                    "%.2fx", bareB.cpuMsPerSample / peak.cpuMsPerSample), "",
                                    "samples/s against the mean of both bare runs; CPU: bare ms/sample over gateway "
                                            + "ms/sample"});
                        }
                    }
                    if (main && phases.contains("single")) {
                        try (Gateway g = Gateway.start(config("bench-1", broker.uri(), model, workers, 1, "0ms"))) {
                            Measured single = closed(load, broker, 8 * batch, warmup, measure);
                            rows.add(row(at + ", gateway, batch 1", single, String.format(Locale.ROOT,
                                    "mean batch %.1f%s", mean(g, "splitee.gateway.batch.size"), peak == null ? ""
                                            : String.format(Locale.ROOT, "; batching gains %.2fx",
                                            peak.perSecond / single.perSecond))));
                        }
                    }
                    if (main && peak != null && phases.contains("latency")) {
                        for (double share : new double[] {0.5, 0.9}) {
                            double rate = share * peak.perSecond;
                            try (Gateway g = Gateway.start(config("bench-1", broker.uri(), model, workers, batch,
                                    "2ms"))) {
                                GatewayBenchLoad.Phase p = load.openLoop(rate, warmup, measure);
                                Timer wait = g.metrics().registry().find("splitee.gateway.queue.wait").timer();
                                Timer gw = g.metrics().registry().find("splitee.gateway.latency").timer();
                                latency.add(new String[] {String.format(Locale.ROOT, "%.0f%% (%.0f/s)", share * 100,
                                        rate), String.format(Locale.ROOT, "%.0f", p.throughput()),
                                        ms(wait, 0.5) + " / " + ms(wait, 0.99), ms(gw, 0.5) + " / " + ms(gw, 0.99),
                                        String.format(Locale.ROOT, "%.1f / %.1f", p.roundTripMs(0.5),
                                                p.roundTripMs(0.99)),
                                        String.format(Locale.ROOT, "%.1f", mean(g, "splitee.gateway.batch.size"))});
                            }
                        }
                    }
                    if (main && peak != null && phases.contains("scale")) {
                        for (int n = 2; n <= 3; n++) {
                            List<Gateway> gs = new ArrayList<>();
                            try {
                                for (int i = 1; i <= n; i++) {
                                    gs.add(Gateway.start(config("bench-" + i, broker.uri(), model, workers, batch,
                                            "2ms")));
                                }
                                Measured m = closed(load, broker, 8 * batch * n, warmup, measure);
                                StringBuilder each = new StringBuilder();
                                for (Gateway g : gs) {
                                    each.append(each.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT,
                                            "%.0f", g.metrics().registry().counter("splitee.gateway.answers",
                                                    "status", "ok").count()));
                                }
                                rows.add(row(at + ", " + n + " gateway instances", m, String.format(Locale.ROOT,
                                        "%.2fx one instance; answers per instance %s", m.perSecond / peak.perSecond,
                                        each)));
                            } finally {
                                gs.forEach(Gateway::close);
                            }
                        }
                    }
                }
            }
        }
        System.out.println("| configuration | samples/s | CPU ms/sample | cores used (JVM + broker) | notes |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(r -> System.out.println("| " + String.join(" | ", r) + " |"));
        if (!latency.isEmpty()) {
            System.out.println();
            System.out.println("| load (share of peak) | answered/s | queue wait p50 / p99 (ms) | "
                    + "gateway time p50 / p99 (ms) | round trip p50 / p99 (ms) | mean batch |");
            System.out.println("|---|---|---|---|---|---|");
            latency.forEach(r -> System.out.println("| " + String.join(" | ", r) + " |"));
        }
    }

    /** Frames of one split point and their decoded values. */
    record Split(int block, byte[][] frames, float[][] decoded, int frameBytes) {
        static Split make(ModelPackage pkg, RunnerConfig rc, int block) throws Exception {
            int distinct = 256;
            byte[][] frames = new byte[distinct][];
            float[][] decoded = new float[distinct][];
            ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
            List<TensorSpec> tensors = new ArrayList<>();
            for (int b = 0; b <= pkg.depth(); b++) {
                tensors.add(TensorSpec.float32(pkg.boundaryShape(b)));
            }
            try (SegmentRunner r = OrtSegmentRunner.open(pkg, rc); FrameEncoder enc = new FrameEncoder();
                 FrameDecoder dec = new FrameDecoder(ModelCatalog.of(pkg.manifest().id(), hash, tensors))) {
                for (int i = 0; i < distinct; i++) {
                    float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
                    FloatBuffer f = FloatBuffer.wrap(x);
                    if (block > 0) {
                        f = FloatBuffer.allocate(r.activationSize(block));
                        r.runBlocks(1, block, FloatBuffer.wrap(x), f);
                    }
                    String id = "bench-" + i;
                    Frame frame = block == 0
                            ? Frame.sample(pkg.manifest().id(), hash, 0, tensors.get(0), id, Instant.now(), f)
                            : Frame.features(pkg.manifest().id(), hash, block, tensors.get(block), id, Instant.now(), f);
                    frames[i] = enc.encode(frame.encodedAs(Encoding.FP16, Compression.NONE));
                    decoded[i] = dec.decode(frames[i]).toArray();
                }
            }
            return new Split(block, frames, decoded, frames[0].length);
        }
    }

    /** Throughput of a phase and the CPU it got. */
    record Measured(double perSecond, double cpuMsPerSample, String cores) {
    }

    static GatewayConfig config(String id, String uri, Path model, int workers, int batch, String wait)
            throws Exception {
        return GatewayConfig.load(null, Map.of(), Map.of("gateway.id", id, "mqtt.uri", uri, "models",
                model.toString(), "workers", Integer.toString(workers), "batch.max-size", Integer.toString(batch),
                "batch.max-wait", wait, "queue.size", "1024", "mqtt.session-expiry", "0s"));
    }

    private static Measured closed(GatewayBenchLoad load, GatewayBenchBroker broker, int outstanding,
                                   Duration warmup, Duration measure) throws InterruptedException {
        Cpu cpu = new Cpu(broker, GatewayBenchmark::gatewayThread);
        GatewayBenchLoad.Phase p = load.closedLoop(outstanding, warmup, measure);
        return new Measured(p.throughput(), cpu.threadMs() / p.answeredInPhase(), cpu.cores());
    }

    /** Threads of the gateways: workers, responder, their MQTT client's and transport's threads. */
    private static boolean gatewayThread(String name) {
        return name.contains("splitee-gw-") || name.contains("splitee-gateway-");
    }

    /** W threads, each with its own runner, running blocks a+1..L and exit L on batches of B. */
    static Measured bare(ModelPackage pkg, RunnerConfig rc, Split split, int threads, int b, Duration warmup,
                         Duration measure) throws Exception {
        int depth = pkg.depth();
        int block = split.block();
        float[][] inputs = split.decoded();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean counting = new AtomicBoolean(false);
        AtomicLong samples = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        List<SegmentRunner> runners = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SegmentRunner r = OrtSegmentRunner.open(pkg, rc);
            runners.add(r);
            int offset = t * 17;
            ts.add(new Thread(() -> {
                int inSize = r.activationSize(block);
                FloatBuffer in = direct(b * inSize);
                FloatBuffer out = direct(b * r.activationSize(depth));
                float[] logits = new float[b * r.classes()];
                int k = offset;
                while (running.get()) {
                    for (int i = 0; i < b; i++) {
                        in.put(i * inSize, inputs[k++ % inputs.length]);
                    }
                    if (block < depth) {
                        r.runBlocks(block + 1, depth, b, in, out);
                        r.runExit(depth, b, out, logits);
                    } else {
                        r.runExit(depth, b, in, logits);
                    }
                    if (counting.get()) {
                        samples.addAndGet(b);
                    }
                }
            }, "bench-bare-" + t));
        }
        ts.forEach(Thread::start);
        Thread.sleep(warmup.toMillis());
        Cpu cpu = new Cpu(null, n -> n.startsWith("bench-bare-"));
        counting.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(measure.toMillis());
        counting.set(false);
        long t1 = System.nanoTime();
        double ms = cpu.threadMs();
        String cores = cpu.cores();
        running.set(false);
        for (Thread t : ts) {
            t.join();
        }
        runners.forEach(SegmentRunner::close);
        return new Measured(samples.get() / ((t1 - t0) / 1e9), ms / samples.get(), cores);
    }

    /** CPU used since construction: by threads whose name matches, by this JVM, and by the broker. */
    private static final class Cpu {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private final GatewayBenchBroker broker;
        private final java.util.function.Predicate<String> which;
        private final long wall0 = System.nanoTime();
        private final long jvm0 = jvmCpu();
        private final long broker0;
        private final Map<Long, Long> threads0 = new HashMap<>();

        Cpu(GatewayBenchBroker broker, java.util.function.Predicate<String> which) {
            this.broker = broker;
            this.which = which;
            this.broker0 = broker == null ? 0 : broker.cpu().toNanos();
            for (long id : THREADS.getAllThreadIds()) {
                threads0.put(id, THREADS.getThreadCpuTime(id));
            }
        }

        private static long jvmCpu() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        /** CPU milliseconds of the matching threads so far. */
        double threadMs() {
            long sum = 0;
            for (long id : THREADS.getAllThreadIds()) {
                ThreadInfo info = THREADS.getThreadInfo(id);
                long now = THREADS.getThreadCpuTime(id);
                if (info != null && now > 0 && which.test(info.getThreadName())) {
                    sum += now - Math.max(0, threads0.getOrDefault(id, 0L));
                }
            }
            return sum / 1e6;
        }

        String cores() {
            double wall = System.nanoTime() - wall0;
            double jvm = (jvmCpu() - jvm0) / wall;
            return broker == null ? String.format(Locale.ROOT, "%.2f", jvm)
                    : String.format(Locale.ROOT, "%.2f + %.2f", jvm, (broker.cpu().toNanos() - broker0) / wall);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static String[] row(String name, Measured m, String notes) {
        return new String[] {name, String.format(Locale.ROOT, "%.0f", m.perSecond),
                String.format(Locale.ROOT, "%.2f", m.cpuMsPerSample), m.cores, notes};
    }

    private static double mean(Gateway g, String summary) {
        DistributionSummary s = g.metrics().registry().find(summary).summary();
        return s == null || s.count() == 0 ? Double.NaN : s.totalAmount() / s.count();
    }

    private static String ms(Timer t, double q) {
        for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
            if (Math.abs(v.percentile() - q) < 1e-9) {
                return String.format(Locale.ROOT, "%.1f", v.value(TimeUnit.MILLISECONDS));
            }
        }
        return "?";
    }
}
