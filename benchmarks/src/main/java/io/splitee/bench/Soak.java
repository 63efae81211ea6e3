package io.splitee.bench;

import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak (issue #20): {@code --samples} QoS 1 samples at {@code --rate}/s through a device and two gateways, each a
 * child JVM from the shaded jars with the JVM options of the packaged systemd units, offloading every sample after
 * block 1 over a real Mosquitto. Every {@code --every} seconds it samples each process's resident memory
 * ({@code VmRSS}), heap in use right after a full GC ({@code jcmd <pid> GC.run}, then {@code GC.heap_info}), threads
 * and open file descriptors (from /proc), and at the end says for each whether it stayed within 10 % after the
 * warm-up (the first {@code --warmup} fraction of the run).
 *
 * <pre>java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.Soak --samples 100000 --rate 300</pre>
 */
public final class Soak {
    private static final String DEVICE_OPTS = "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
            + "-XX:+ExitOnOutOfMemoryError";
    private static final String GATEWAY_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private Soak() {
    }

    private record Reading(double second, long rssKb, long heapKb, long threads, long fds) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int samples = Integer.parseInt(a.getOrDefault("--samples", "100000"));
        int rate = Integer.parseInt(a.getOrDefault("--rate", "300"));
        int every = Integer.parseInt(a.getOrDefault("--every", "10"));
        double warmup = Double.parseDouble(a.getOrDefault("--warmup", "0.2"));
        Path model = Path.of(a.getOrDefault("--model", "models/fmnist-resnet12"));
        Path deviceJar = Path.of(a.getOrDefault("--device-jar", "device-runtime/target/splitee-device.jar"));
        Path gatewayJar = Path.of(a.getOrDefault("--gateway-jar", "offload-gateway/target/splitee-gateway.jar"));
        ModelPackage pkg = ModelPackage.load(model);
        Path dir = Files.createTempDirectory("soak");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jcmd = Path.of(java).resolveSibling("jcmd");
        Map<String, Process> procs = new LinkedHashMap<>();
        Map<String, List<Reading>> readings = new LinkedHashMap<>();
        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(10_000).start()) {
            for (String g : List.of("soak-g1", "soak-g2")) {
                procs.put(g, start(java, GATEWAY_OPTS, gatewayJar, dir.resolve(g + ".log"), "gateway " + g + " serving",
                        "gateway.id=" + g, "mqtt.uri=" + broker.uri(), "models=" + model, "workers=1",
                        "runtime.intra-op-threads=1"));
            }
            procs.put("device", start(java, DEVICE_OPTS, deviceJar, dir.resolve("device.log"), "serving",
                    "device.id=soak", "mqtt.uri=" + broker.uri(), "model.dir=" + model, "state.dir=" + dir,
                    "policy=fixed:1", "policy.threshold=1.0", "cost.mode=paper", "offload.deadline=1s",
                    "runtime.intra-op-threads=1"));
            procs.keySet().forEach(k -> readings.put(k, new ArrayList<>()));
            AtomicLong answered = new AtomicLong();
            AtomicLong byGateway = new AtomicLong();
            AtomicLong other = new AtomicLong();
            ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
            TensorSpec in = pkg.manifest().input().tensor().spec();
            long start = System.nanoTime();
            long nextReading = start;
            try (Transport sub = DeviceBenchmark.subscriber(broker, "soak", r -> {
                    answered.incrementAndGet();
                    if (r.status() != ResultMessage.Status.OK) {
                        other.incrementAndGet();
                    } else if (r.computedAt() == ResultMessage.Location.GATEWAY) {
                        byGateway.incrementAndGet();
                    }
                });
                 Transport pub = DeviceBenchmark.publisher(broker, "soak-camera");
                 FrameEncoder encoder = new FrameEncoder()) {
                long deadline = Long.MAX_VALUE;
                for (int i = 0; answered.get() < samples && System.nanoTime() < deadline; ) {
                    long now = System.nanoTime();
                    if (now >= nextReading) {
                        double second = (now - start) / 1e9;
                        for (Map.Entry<String, Process> e : procs.entrySet()) {
                            if (!e.getValue().isAlive()) {
                                throw new IllegalStateException(e.getKey() + " died: "
                                        + Files.readString(dir.resolve(e.getKey() + ".log")));
                            }
                            readings.get(e.getKey()).add(read(jcmd, e.getValue().pid(), second));
                        }
                        System.out.printf(Locale.ROOT, "%6.0f s: %,d sent, %,d answered (%,d by a gateway, %,d not ok)%n",
                                second, i, answered.get(), byGateway.get(), other.get());
                        nextReading += TimeUnit.SECONDS.toNanos(every);
                    }
                    if (i < samples) {
                        long due = start + (long) i * 1_000_000_000L / rate;
                        if (due > now) {
                            TimeUnit.NANOSECONDS.sleep(Math.min(due - now, Math.max(0, nextReading - now)));
                            continue;
                        }
                        float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
                        pub.publish(Outgoing.builder("splitee/soak/samples", encoder.encode(Frame.sample(
                                pkg.manifest().id(), hash, 0, in, "s-" + i, Instant.now(), FloatBuffer.wrap(x))))
                                .qos(1).contentType(Frame.CONTENT_TYPE).build());
                        i++;
                        if (i == samples) {
                            deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                        }
                    } else {
                        Thread.sleep(50);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%n%,d samples at %d/s: %,d answered in %.0f s, %,d by a gateway, %,d not "
                    + "ok%n", samples, rate, answered.get(), seconds, byGateway.get(), other.get());
            System.out.printf("JVM options: device %s; gateways %s%n", DEVICE_OPTS, GATEWAY_OPTS);
            System.out.println("| process | measure | after warm-up: first | min | max | last | flat within 10 % |");
            System.out.println("|---|---|---:|---:|---:|---:|---|");
            for (Map.Entry<String, List<Reading>> e : readings.entrySet()) {
                List<Reading> all = e.getValue();
                List<Reading> r = all.subList((int) Math.floor(all.size() * warmup), all.size());
                row(e.getKey(), "RSS (MB)", r, x -> x.rssKb() / 1024.0);
                row(e.getKey(), "heap after GC (MB)", r, x -> x.heapKb() / 1024.0);
                row(e.getKey(), "threads", r, x -> (double) x.threads());
                row(e.getKey(), "file descriptors", r, x -> (double) x.fds());
            }
        } finally {
            for (Process p : procs.values()) {
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void row(String process, String measure, List<Reading> r,
                            java.util.function.ToDoubleFunction<Reading> f) {
        double min = r.stream().mapToDouble(f).min().orElse(Double.NaN);
        double max = r.stream().mapToDouble(f).max().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %s |%n", process, measure,
                f.applyAsDouble(r.get(0)), min, max, f.applyAsDouble(r.get(r.size() - 1)),
                max <= 1.1 * min ? "yes" : String.format(Locale.ROOT, "no (+%.0f %%)", 100 * (max / min - 1)));
    }

    private static Reading read(Path jcmd, long pid, double second) throws Exception {
        long rss = 0;
        long threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        long fds;
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = s.count();
        }
        run(jcmd, pid, "GC.run");
        long heap = 0;
        for (String line : run(jcmd, pid, "GC.heap_info").split("\n")) {
            if ((line.contains("generation") || line.contains("heap")) && !line.contains("Metaspace")) {
                Matcher m = USED.matcher(line);
                if (m.find()) {
                    heap += Long.parseLong(m.group(1));
                }
            }
        }
        return new Reading(second, rss, heap, threads, fds);
    }

    private static String run(Path jcmd, long pid, String command) throws Exception {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }

    private static Process start(String java, String opts, Path jar, Path log, String ready, String... settings)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(List.of(opts.split(" ")));
        cmd.addAll(List.of("-jar", jar.toString(), "run"));
        for (String s : settings) {
            cmd.addAll(List.of("--set", s));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(log) && Files.readString(log).contains(ready))) {
            if (!p.isAlive() || System.nanoTime() > end) {
                p.destroyForcibly();
                throw new IllegalStateException(jar + " did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return p;
    }
}
