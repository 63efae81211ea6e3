package io.splitee.bench;

import io.splitee.device.config.DeviceConfig;
import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.SegmentRunner;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The device daemon's overhead, measured side by side in one run (docs/benchmarks.md, "Device daemon"):
 * <ol>
 *   <li>throughput with every sample exiting on the device (policy {@code final}) against a bare loop of
 *       the same ONNX Runtime calls (blocks 1..L one by one, then the final exit), alternated;</li>
 *   <li>latency added per sample on loopback (publish to result, minus the device's own compute) at a
 *       rate below capacity;</li>
 *   <li>resident memory of the daemon as a separate process with {@code -Xmx64m} at steady state.</li>
 * </ol>
 * Usage: {@code java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.DeviceBenchmark
 * [--model models/fmnist-resnet12] [--samples 2000] [--warmup 1000] [--rounds 3]
 * [--device-jar device-runtime/target/splitee-device.jar] [--device-cpus 0 [--device-jvm-opts "..."]]}
 * (with {@code --device-cpus} only the throughput, with the bare loop and the daemon in child JVMs
 * pinned to those CPUs; run this JVM pinned elsewhere: {@code taskset -c 1 java ...})
 */
public final class DeviceBenchmark {
    private DeviceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path model = Path.of(a.getOrDefault("--model", "models/fmnist-resnet12"));
        int samples = Integer.parseInt(a.getOrDefault("--samples", "2000"));
        int rounds = Integer.parseInt(a.getOrDefault("--rounds", "3"));
        Path deviceJar = Path.of(a.getOrDefault("--device-jar", "device-runtime/target/splitee-device.jar"));
        if (a.containsKey("--bare-only")) { // the child process of the isolated mode
            bareLoop(ModelPackage.load(model), samples, Integer.parseInt(a.get("--bare-only")));
            System.out.printf(Locale.ROOT, "BARE %.3f %.6f%n", lastBareRate, bareCpuMsPerSample);
            return;
        }
        ModelPackage pkg = ModelPackage.load(model);
        byte[][] frames = frames(pkg, samples);
        int warmup = Integer.parseInt(a.getOrDefault("--warmup", "1000"));
        byte[][] warmFrames = frames(pkg, warmup, "w-");
        if (a.containsKey("--device-cpus")) {
            deviceJvmOpts = a.getOrDefault("--device-jvm-opts", "");
            isolated(pkg, model, deviceJar, frames, warmFrames, rounds, a.get("--device-cpus"));
            return;
        }
        System.out.printf(Locale.ROOT, "model %s, %d samples per run after %d warm-up samples, %d rounds, "
                + "1 intra-op thread%n", pkg.manifest().id(), samples, warmup, rounds);

        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start()) { // bursts beyond 1000
            double[] bare = new double[rounds];
            double[] daemon = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                bare[r] = bareLoop(pkg, samples, warmup);
                daemon[r] = daemonThroughput(pkg, broker, frames, warmFrames, "bench-t" + r);
                System.out.printf(Locale.ROOT, "round %d: bare loop %.1f samples/s, daemon %.1f samples/s, ratio %.3f;"
                                + " CPU per sample: bare %.3f ms, daemon worker thread %.3f ms (ratio %.3f)%n",
                        r + 1, bare[r], daemon[r], daemon[r] / bare[r], bareCpuMsPerSample, workerCpuMsPerSample,
                        bareCpuMsPerSample / workerCpuMsPerSample);
            }
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = daemon[r] / bare[r];
            }
            Arrays.sort(ratios);
            System.out.printf(Locale.ROOT, "THROUGHPUT daemon/bare: median %.3f (min %.3f, max %.3f)%n",
                    ratios[rounds / 2], ratios[0], ratios[rounds - 1]);

            addedLatency(pkg, broker, frames, Math.min(samples, 600), 100, false);
            addedLatency(pkg, broker, frames, Math.min(samples, 600), 100, true);
            residentMemory(broker, model, deviceJar, frames, Math.min(samples, 1500));
        }
    }

    static byte[][] frames(ModelPackage pkg, int n) {
        return frames(pkg, n, "b-");
    }

    static byte[][] frames(ModelPackage pkg, int n, String idPrefix) {
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        TensorSpec in = pkg.manifest().input().tensor().spec();
        byte[][] out = new byte[n][];
        try (FrameEncoder e = new FrameEncoder()) {
            for (int i = 0; i < n; i++) {
                float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
                out[i] = e.encode(Frame.sample(pkg.manifest().id(), hash, 0, in, idPrefix + i, Instant.now(),
                        FloatBuffer.wrap(x)));
            }
        }
        return out;
    }

    /** The same ONNX Runtime calls the daemon makes for a sample that exits at the final exit. */
    static double workerCpuMsPerSample;
    static double bareCpuMsPerSample;

    /** CPU time of the live thread with this name, in ms (-1 if absent). */
    static double threadCpuMs(String name) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return mx.getThreadCpuTime(t.getId()) / 1e6;
            }
        }
        return -1;
    }

    static double lastBareRate;

    static double bareLoop(ModelPackage pkg, int n) throws Exception {
        return bareLoop(pkg, n, 200);
    }

    static double bareLoop(ModelPackage pkg, int n, int warmup) throws Exception {
        try (SegmentRunner r = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(1)
                .withFused(false))) {
            int depth = r.depth();
            FloatBuffer[] b = new FloatBuffer[depth + 1];
            for (int i = 0; i <= depth; i++) {
                b[i] = ByteBuffer.allocateDirect(r.activationSize(i) * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            float[] logits = new float[r.classes()];
            float[][] inputs = new float[Math.min(n, pkg.samples().count())][];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = pkg.manifest().input().normalise(pkg.samples().image(i));
            }
            for (int i = 0; i < warmup; i++) { // warm-up
                b[0].put(0, inputs[i % inputs.length]);
                for (int k = 1; k <= depth; k++) {
                    r.runBlocks(k, k, b[k - 1], b[k]);
                }
                r.runExit(depth, b[depth], logits);
            }
            long t0 = System.nanoTime();
            long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                b[0].put(0, inputs[i % inputs.length]);
                for (int k = 1; k <= depth; k++) {
                    r.runBlocks(k, k, b[k - 1], b[k]);
                }
                r.runExit(depth, b[depth], logits);
            }
            bareCpuMsPerSample = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                    - cpu0) / 1e6 / n;
            lastBareRate = n / ((System.nanoTime() - t0) / 1e9);
            return lastBareRate;
        }
    }

    static DeviceConfig config(MosquittoBroker broker, ModelPackage pkg, String id, Path state) throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("device.id", id);
        o.put("mqtt.uri", broker.uri());
        o.put("model.dir", pkg.directory().toString());
        o.put("state.dir", state.toString());
        o.put("runtime.intra-op-threads", "1");
        o.put("policy", "final");
        o.put("queue.size", "100000");
        o.put("mqtt.max-in-flight", "64");
        return DeviceConfig.load(null, Map.of(), o);
    }

    /** Subscribes to a device's results and calls back for each (on the MQTT callback thread). */
    static Transport subscriber(MosquittoBroker broker, String device, Consumer<ResultMessage> onResult)
            throws Exception {
        Transport t = Transport.mqtt(MqttSettings.builder("bench-sub-" + device, broker.uri()).cleanStart(true)
                .sessionExpiry(Duration.ZERO).receiveMaximum(1000).build());
        t.subscribe("splitee/" + device + "/results", 1, m -> {
            try {
                onResult.accept(ResultCodec.parse(m.payload()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                t.ack(m);
            }
        });
        t.start();
        return t;
    }

    static Transport publisher(MosquittoBroker broker, String name) throws Exception {
        Transport p = Transport.mqtt(MqttSettings.builder(name, broker.uri()).cleanStart(true)
                .sessionExpiry(Duration.ZERO).maxInFlight(64).build());
        p.start();
        return p;
    }

    static double daemonThroughput(ModelPackage pkg, MosquittoBroker broker, byte[][] frames, byte[][] warmFrames,
                                   String id) throws Exception {
        Path state = Files.createTempDirectory("bench-state");
        java.util.concurrent.atomic.AtomicReference<CountDownLatch> latch =
                new java.util.concurrent.atomic.AtomicReference<>(new CountDownLatch(warmFrames.length));
        try (DeviceDaemon d = DeviceDaemon.start(config(broker, pkg, id, state));
             Transport sub = subscriber(broker, id, r -> latch.get().countDown());
             Transport pub = publisher(broker, id + "-pub")) {
            send(pub, id, warmFrames); // the daemon's code warms up as the bare loop's does
            if (!latch.get().await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("warm-up results missing: " + latch.get().getCount());
            }
            CountDownLatch done = new CountDownLatch(frames.length);
            latch.set(done);
            double cpu0 = threadCpuMs("splitee-" + id + "-worker");
            long t0 = System.nanoTime();
            send(pub, id, frames);
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("results missing: " + done.getCount());
            }
            double rate = frames.length / ((System.nanoTime() - t0) / 1e9);
            workerCpuMsPerSample = (threadCpuMs("splitee-" + id + "-worker") - cpu0) / frames.length;
            return rate;
        }
    }

    static void addedLatency(ModelPackage pkg, MosquittoBroker broker, byte[][] frames, int n, int rate,
                             boolean offload) throws Exception {
        Path state = Files.createTempDirectory("bench-state");
        String id = offload ? "bench-lat-off" : "bench-lat";
        Map<String, String> o = new HashMap<>(Map.of("device.id", id, "mqtt.uri", broker.uri(),
                "model.dir", pkg.directory().toString(), "state.dir", state.toString(),
                "runtime.intra-op-threads", "1", "queue.size", "10000"));
        if (offload) { // every sample offloaded after block 6 (fp16 features), answered by the real gateway
            o.put("policy", "fixed:6");
            o.put("policy.threshold", "1.0");
            o.put("cost.mode", "paper");
        } else {
            o.put("policy", "final");
        }
        DeviceConfig cfg = DeviceConfig.load(null, Map.of(), o);
        io.splitee.gateway.service.Gateway gateway = offload ? io.splitee.gateway.service.Gateway.start(
                io.splitee.gateway.config.GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "bench-gw",
                        "mqtt.uri", broker.uri(), "models", pkg.directory().toString(), "workers", "1",
                        "runtime.intra-op-threads", "1", "mqtt.session-expiry", "0s"))) : null;
        Map<String, Long> sent = new ConcurrentHashMap<>();
        List<Double> added = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(n);
        try (DeviceDaemon d = DeviceDaemon.start(cfg);
             Transport sub = subscriber(broker, id, r -> {
                 long now = System.nanoTime();
                 Long t = sent.get(r.sampleId());
                 boolean warmUp = Integer.parseInt(r.sampleId().substring(2)) < 100; // JIT warm-up
                 if (t != null && !warmUp && r.timings().deviceCompute() != null) {
                     long model = r.timings().deviceCompute().toNanos()
                             + (r.timings().gatewayCompute() == null ? 0 : r.timings().gatewayCompute().toNanos());
                     added.add((now - t - model) / 1e6);
                 }
                 done.countDown();
             });
             Transport pub = publisher(broker, id + "-pub")) {
            long period = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                next += period;
                sent.put("b-" + i, System.nanoTime());
                pub.publish(Outgoing.builder("splitee/" + id + "/samples", frames[i]).qos(1)
                        .contentType(Frame.CONTENT_TYPE).build());
            }
            done.await(5, TimeUnit.MINUTES);
        } finally {
            if (gateway != null) {
                gateway.close();
            }
        }
        double[] s = added.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "ADDED LATENCY %s at %d samples/s (%d samples after 100 warm-up): "
                        + "p50 %.2f ms, p99 %.2f ms%n", offload ? "offloads (gateway time incl. its queueing "
                        + "subtracted)" : "local exits", rate, s.length, s[s.length / 2],
                s[(int) Math.floor(s.length * 0.99)]);
    }

    static void residentMemory(MosquittoBroker broker, Path model, Path jar, byte[][] frames, int n) throws Exception {
        if (!Files.isRegularFile(jar)) {
            System.out.println("RSS: skipped, no device jar at " + jar);
            return;
        }
        Path state = Files.createTempDirectory("bench-rss");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = state.resolve("device.log");
        Process p = new ProcessBuilder(java, "-Xmx64m", "-jar", jar.toString(), "run", "--set", "device.id=bench-rss",
                "--set", "mqtt.uri=" + broker.uri(), "--set", "model.dir=" + model, "--set", "state.dir=" + state,
                "--set", "policy=splitee", "--set", "runtime.intra-op-threads=1", "--set", "queue.size=10000")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitServing(p, log);
            CountDownLatch done = new CountDownLatch(n);
            long peak = 0;
            try (Transport sub = subscriber(broker, "bench-rss", r -> done.countDown());
                 Transport pub = publisher(broker, "bench-rss-pub")) {
                for (int i = 0; i < n; i++) {
                    pub.publish(Outgoing.builder("splitee/bench-rss/samples", frames[i % frames.length]).qos(1)
                            .contentType(Frame.CONTENT_TYPE).build());
                    if (i % 100 == 0) {
                        peak = Math.max(peak, rssKb(p.pid()));
                        Thread.sleep(200); // about 500 samples/s offered, below capacity
                    }
                }
                done.await(5, TimeUnit.MINUTES);
                peak = Math.max(peak, rssKb(p.pid()));
            }
            long steady = rssKb(p.pid());
            System.out.printf(Locale.ROOT, "RSS with -Xmx64m after %d samples (policy splitee, no gateway: offloads "
                    + "time out and finish on the device): steady %.1f MB, peak %.1f MB%n", n, steady / 1024.0,
                    peak / 1024.0);
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ isolated mode: the device's own cores

    /**
     * Throughput with the device on its own cores, as on a board: the bare loop and the daemon each run
     * as a child JVM pinned with {@code taskset} to {@code cpus}; this JVM (publisher, subscriber) and
     * the broker should be pinned elsewhere by the caller ({@code taskset -c 1 java ...}). Both children
     * warm up on {@code warmup} samples first. Reports samples/s and the daemon's CPU per sample by
     * thread group, read from /proc.
     */
    static void isolated(ModelPackage pkg, Path model, Path jar, byte[][] frames, byte[][] warmFrames, int rounds,
                         String cpus) throws Exception {
        int warmup = warmFrames.length;
        String java = ProcessHandle.current().info().command().orElse("java");
        String self = Path.of(DeviceBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        System.out.printf(Locale.ROOT, "isolated: device JVMs pinned to CPUs %s; %d warm-up + %d timed samples%n",
                cpus, warmup, frames.length);
        double[] ratios = new double[rounds];
        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start()) { // bursts beyond 1000
            System.out.println("  broker log: " + broker.logFile());
            for (int r = 0; r < rounds; r++) {
                double[] bareRun = runBareChild(List.of("taskset", "-c", cpus, java, "-cp", self,
                        DeviceBenchmark.class.getName(), "--model", model.toString(), "--samples",
                        String.valueOf(frames.length), "--bare-only", String.valueOf(warmup)));
                double bare = bareRun[0];
                double bareCpu = bareRun[1];
                double[] d = daemonIsolated(broker, model, jar, frames, warmFrames, cpus, "i" + r, java);
                ratios[r] = d[0] / bare;
                System.out.printf(Locale.ROOT, "round %d: bare %.1f samples/s (%.3f ms CPU), daemon %.1f samples/s, "
                                + "ratio %.3f; daemon CPU per sample %.3f ms (worker %.3f, MQTT %.3f, other %.3f)%n",
                        r + 1, bare, bareCpu, d[0], ratios[r], d[1], d[2], d[3], d[1] - d[2] - d[3]);
            }
        }
        Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "ISOLATED THROUGHPUT daemon/bare: median %.3f (min %.3f, max %.3f)%n",
                ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
    }

    /** Extra JVM options for the daemon's process in the isolated mode (space-separated). */
    static String deviceJvmOpts = "";

    /** {samples/s, CPU ms per sample total, worker, MQTT client threads}. */
    static double[] daemonIsolated(MosquittoBroker broker, Path model, Path jar, byte[][] frames,
                                   byte[][] warmFrames, String cpus, String id, String java) throws Exception {
        int warmup = warmFrames.length;
        Path state = Files.createTempDirectory("bench-iso");
        Path log = state.resolve("device.log");
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpus, java));
        for (String o : deviceJvmOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.addAll(List.of("-jar", jar.toString(), "run",
                "--set", "device.id=" + id, "--set", "mqtt.uri=" + broker.uri(), "--set", "model.dir=" + model,
                "--set", "state.dir=" + state, "--set", "policy=final", "--set", "runtime.intra-op-threads=1",
                "--set", "queue.size=100000", "--set", "mqtt.max-in-flight=64"));
        System.out.println("  daemon log: " + log);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitServing(p, log);
            java.util.concurrent.atomic.AtomicReference<CountDownLatch> latch =
                    new java.util.concurrent.atomic.AtomicReference<>(new CountDownLatch(warmup));
            try (Transport sub = subscriber(broker, id, r -> latch.get().countDown());
                 Transport pub = publisher(broker, id + "-pub")) {
                send(pub, id, warmFrames);
                if (!latch.get().await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("warm-up results missing");
                }
                CountDownLatch done = new CountDownLatch(frames.length);
                latch.set(done);
                Map<String, Long> cpu0 = threadCpuTicks(p.pid());
                Files.writeString(state.resolve("timed-start"), "");
                System.out.println("  timed phase starts");
                long t0 = System.nanoTime();
                send(pub, id, frames);
                if (!done.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("results missing: " + done.getCount());
                }
                double rate = frames.length / ((System.nanoTime() - t0) / 1e9);
                Map<String, Long> cpu1 = threadCpuTicks(p.pid());
                double tick = MS_PER_TICK;
                double total = 0;
                double worker = 0;
                double mqtt = 0;
                for (Map.Entry<String, Long> e : cpu1.entrySet()) {
                    double ms = (e.getValue() - cpu0.getOrDefault(e.getKey(), 0L)) * tick;
                    total += ms;
                    String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
                    if (name.startsWith("splitee-" + id + "-w")) { // thread names are cut to 15 characters in /proc
                        worker += ms;
                    } else if (name.startsWith("MQTT")) {
                        mqtt += ms;
                    }
                }
                System.out.println("  daemon CPU ms/sample by thread: "
                        + cpuPerSampleByThread(cpu0, cpu1, frames.length));
                int n = frames.length;
                return new double[] {rate, total / n, worker / n, mqtt / n};
            }
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void send(Transport pub, String id, byte[][] frames) {
        for (byte[] f : frames) {
            pub.publish(Outgoing.builder("splitee/" + id + "/samples", f).qos(1).contentType(Frame.CONTENT_TYPE)
                    .build());
        }
    }

    /** Milliseconds per clock tick in /proc ({@code USER_HZ} 100). */
    static final double MS_PER_TICK = 1000.0 / 100;

    /**
     * Runs an isolated harness's bare ONNX Runtime child and reads its {@code BARE <samples/s> <CPU ms per
     * sample>} line.
     */
    static double[] runBareChild(List<String> command) throws java.io.IOException, InterruptedException {
        Process b = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(b.getInputStream().readAllBytes());
        b.waitFor();
        String line = out.lines().filter(l -> l.startsWith("BARE ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("bare child failed: " + out));
        String[] f = line.split(" ");
        return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    /**
     * CPU ms per sample between two {@link #threadCpuTicks} readings, by thread name (trailing
     * numbers folded to {@code #}), leaving out threads under 0.005 ms.
     */
    static Map<String, Double> cpuPerSampleByThread(Map<String, Long> cpu0, Map<String, Long> cpu1, long samples) {
        Map<String, Double> byName = new java.util.TreeMap<>();
        for (Map.Entry<String, Long> e : cpu1.entrySet()) {
            String name = e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("[0-9]+$", "#");
            byName.merge(name, (e.getValue() - cpu0.getOrDefault(e.getKey(), 0L)) * MS_PER_TICK / samples,
                    Double::sum);
        }
        byName.values().removeIf(v -> v < 0.005);
        return byName;
    }

    /** "tid name" to utime + stime in clock ticks, for every thread of a process. */
    static Map<String, Long> threadCpuTicks(long pid) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = Files.readString(t.resolve("comm")).trim();
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(t.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return out;
    }

    /** Waits up to a minute for a daemon process to log that it is serving. */
    private static void awaitServing(Process p, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("serving")) {
            if (!p.isAlive() || System.nanoTime() > end) {
                throw new IllegalStateException("device did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }
}
