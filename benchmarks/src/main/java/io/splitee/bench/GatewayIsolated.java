package io.splitee.bench;

import io.splitee.model.ModelPackage;
import io.splitee.onnx.RunnerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway against bare batched ONNX Runtime with the same CPU: each runs as a child JVM pinned with
 * {@code taskset} to the same CPUs ({@code --cpus}), while this JVM (the publishers of real feature
 * frames and the reply subscriber) and the Mosquitto it starts run pinned elsewhere by the caller:
 *
 * <pre>
 * taskset -c 0 java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.GatewayIsolated \
 *     [--model models/fmnist-resnet12] [--split 4] [--cpus 1] [--workers 1] [--batch 16] [--seconds 10] \
 *     [--rounds 3] [--warmup 10] [--clients paho,hivemq] [--gateway-jvm-opts "-XX:..."]
 * </pre>
 *
 * <p>Each round runs the bare loop ({@code --workers} threads, batches of {@code --batch}, 1 intra-op
 * thread), then one gateway process per MQTT client ({@code mqtt.client}, or {@code default} for the
 * gateway's default; same workers and batch),
 * each with a closed loop of frames for a warm-up ({@code --warmup} seconds; the bare child warms up as
 * long) and a timed phase. It prints samples/s, the ratio to
 * the round's bare loop, and the gateway process's CPU per sample by thread (from /proc, so GC and JIT
 * threads count too).
 */
public final class GatewayIsolated {

    /** Extra JVM options for the gateway's process (space-separated). */
    private static String gatewayJvmOpts = "";

    private GatewayIsolated() {
    }

    /**
     * Runs the rounds, or with {@code --bare-only} one bare measurement (the child's job).
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Map<String, String> a = new LinkedHashMap<>();
        a.put("--model", "models/fmnist-resnet12");
        a.put("--split", "4");
        a.put("--cpus", "1");
        a.put("--workers", "1");
        a.put("--batch", "16");
        a.put("--seconds", "10");
        a.put("--rounds", "3");
        a.put("--warmup", "10");
        a.put("--clients", "paho,hivemq");
        a.put("--gateway-jar", "offload-gateway/target/splitee-gateway.jar");
        a.put("--bare-only", "false");
        a.put("--gateway-jvm-opts", "");
        for (int i = 0; i < args.length; i += 2) {
            if (!a.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("usage: GatewayIsolated " + String.join(" V ", a.keySet()) + " V");
                System.exit(2);
            }
            a.put(args[i], args[i + 1]);
        }
        Path model = Path.of(a.get("--model"));
        int block = Integer.parseInt(a.get("--split"));
        int workers = Integer.parseInt(a.get("--workers"));
        int batch = Integer.parseInt(a.get("--batch"));
        Duration measure = Duration.ofSeconds(Long.parseLong(a.get("--seconds")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(a.get("--warmup")));
        ModelPackage pkg = ModelPackage.load(model);
        RunnerConfig rc = RunnerConfig.defaults().withIntraOpThreads(1).withFused(false);
        GatewayBenchmark.Split split = GatewayBenchmark.Split.make(pkg, rc, block);
        if (Boolean.parseBoolean(a.get("--bare-only"))) {
            GatewayBenchmark.Measured m = GatewayBenchmark.bare(pkg, rc, split, workers, batch, warmup, measure);
            System.out.printf(Locale.ROOT, "BARE %.3f %.5f%n", m.perSecond(), m.cpuMsPerSample());
            return;
        }
        String cpus = a.get("--cpus");
        int rounds = Integer.parseInt(a.get("--rounds"));
        List<String> clients = List.of(a.get("--clients").split(","));
        Path jar = Path.of(a.get("--gateway-jar"));
        gatewayJvmOpts = a.get("--gateway-jvm-opts");
        String java = ProcessHandle.current().info().command().orElse("java");
        String self = Path.of(GatewayIsolated.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        System.out.printf(Locale.ROOT, "isolated: gateway and bare JVMs pinned to CPUs %s, this JVM and the broker "
                        + "where the caller pinned them; split %d (%d B frames), %d worker(s), batch <= %d, %d s timed%n",
                cpus, block, split.frameBytes(), workers, batch, measure.toSeconds());
        Map<String, double[]> ratios = new LinkedHashMap<>();
        clients.forEach(c -> ratios.put(c, new double[rounds]));
        try (GatewayBenchBroker broker = GatewayBenchBroker.start(64);
             GatewayBenchLoad load = new GatewayBenchLoad(broker.uri(), split.frames())) {
            for (int r = 0; r < rounds; r++) {
                double[] bareRun = DeviceBenchmark.runBareChild(List.of("taskset", "-c", cpus, java, "-cp", self,
                        GatewayIsolated.class.getName(), "--model", model.toString(), "--split", String.valueOf(block),
                        "--workers", String.valueOf(workers), "--batch", String.valueOf(batch), "--seconds",
                        String.valueOf(measure.toSeconds()), "--warmup", String.valueOf(warmup.toSeconds()),
                        "--bare-only", "true"));
                double bare = bareRun[0];
                System.out.printf(Locale.ROOT, "round %d: bare %.0f samples/s (%.3f ms CPU/sample)%n", r + 1, bare,
                        bareRun[1]);
                for (String client : clients) {
                    double[] g = gateway(broker, load, model, jar, java, cpus, client, workers, batch, warmup, measure,
                            "iso-" + client.replace("+", "-") + "-" + r);
                    ratios.get(client)[r] = g[0] / bare;
                    System.out.printf(Locale.ROOT, "  gateway (%s) %.0f samples/s, ratio %.3f; CPU %.3f ms/sample%n",
                            client, g[0], g[0] / bare, g[1]);
                }
            }
        }
        for (Map.Entry<String, double[]> e : ratios.entrySet()) {
            double[] v = e.getValue().clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "ISOLATED gateway (%s) / bare batched: median %.3f (min %.3f, max %.3f) over "
                    + "%d rounds%n", e.getKey(), v[v.length / 2], v[0], v[v.length - 1], v.length);
        }
    }

    /** {samples/s, CPU ms per sample of the whole gateway process}. */
    private static double[] gateway(GatewayBenchBroker broker, GatewayBenchLoad load, Path model, Path jar, String java,
                                    String cpus, String client, int workers, int batch, Duration warmup,
                                    Duration measure, String id) throws Exception {
        Path dir = Files.createTempDirectory("bench-gw-iso");
        Path log = dir.resolve("gateway.log");
        System.out.println("  gateway log: " + log);
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpus, java, "-Xmx256m"));
        for (String o : gatewayJvmOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.addAll(List.of("-jar", jar.toString(), "run"));
        for (String kv : List.of("gateway.id=" + id, "mqtt.uri=" + broker.uri(), "models=" + model,
                "workers=" + workers, "batch.max-size=" + batch, "batch.max-wait=2ms", "queue.size=1024",
                "mqtt.session-expiry=0s", "mqtt.client=" + client)) {
            if (kv.equals("mqtt.client=default")) {
                continue; // the gateway's own default client
            }
            cmd.add("--set");
            cmd.add(kv);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("serving")) {
                if (!p.isAlive() || System.nanoTime() > end) {
                    throw new IllegalStateException("gateway did not start: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
            // one continuous closed loop: warm-up, then the timed window; the gateway's CPU is read at the
            // window's edges, so no drain and ramp-up (and the recompilation it triggers) falls inside it
            java.util.concurrent.FutureTask<GatewayBenchLoad.Phase> run = new java.util.concurrent.FutureTask<>(
                    () -> load.closedLoop(8 * batch, warmup, measure));
            Thread loop = new Thread(run, "bench-closed-loop");
            loop.start();
            Thread.sleep(warmup.toMillis());
            Map<String, Long> cpu0 = DeviceBenchmark.threadCpuTicks(p.pid());
            Thread.sleep(measure.toMillis());
            Map<String, Long> cpu1 = DeviceBenchmark.threadCpuTicks(p.pid());
            GatewayBenchLoad.Phase ph = run.get();
            long inWindow = ph.answeredOk() + ph.answeredOther(); // answers inside the timed window
            Map<String, Double> byName = DeviceBenchmark.cpuPerSampleByThread(cpu0, cpu1, inWindow);
            System.out.printf(Locale.ROOT, "  gateway (%s) CPU ms/sample by thread: %s%n", client, byName);
            double total = 0;
            for (Map.Entry<String, Long> e : cpu1.entrySet()) {
                total += (e.getValue() - cpu0.getOrDefault(e.getKey(), 0L)) * DeviceBenchmark.MS_PER_TICK;
            }
            return new double[] {ph.throughput(), total / inWindow};
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
