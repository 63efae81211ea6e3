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
import java.io.BufferedWriter;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak (issue #20): {@code --samples} QoS 1 samples at {@code --rate}/s through a device and two gateways, each a
 * child JVM from the shaded jars with the JVM options of the packaged systemd units (read from {@code --units}, the
 * {@code JAVA_OPTS} of {@code splitee-device.service} and {@code splitee-gateway.service} without their directory
 * properties; {@code --device-opts} / {@code --gateway-opts} replace them, {@code none} for the JVM's defaults, and
 * {@code --gateway2-opts} gives the second gateway its own, to compare two settings under the same load), the device
 * offloading every sample after block 1 over a real Mosquitto.
 *
 * <p>Every {@code --every} seconds a sampler thread reads, for each child JVM and the broker, the resident memory
 * ({@code VmRSS}), threads and open file descriptors from /proc and, for the JVMs, the heap in use and committed right
 * after a full GC ({@code GC.run}, then {@code GC.heap_info}; {@code --full-gc false} reads them without a GC), into
 * {@code --out}/soak.csv. jcmd's commands run in this JVM through the attach API (no jcmd process per reading), which
 * needs {@code --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED}. A class histogram of each JVM is written at
 * the end of the warm-up (the first {@code --warmup} fraction of the publishing time) and at the end, and the classes
 * that grew most are printed. At the end it prints per process and measure the first reading after the warm-up, the
 * lowest, highest and last, and whether they stay within 10 %, and counts the samples missing and answered twice
 * (by sample id). Every wait is bounded: publishing by the rate, the drain by {@code --drain} seconds.
 *
 * <pre>java --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED -cp benchmarks/target/splitee-benchmarks.jar \
 *     io.splitee.bench.Soak --samples 100000 --rate 80</pre>
 */
public final class Soak {
    private static final Pattern HISTO = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final List<String> OPTIONS = List.of("--samples", "--rate", "--every", "--warmup", "--model",
            "--device-jar", "--gateway-jar", "--units", "--device-opts", "--gateway-opts", "--gateway2-opts",
            "--full-gc", "--out", "--drain");

    private Soak() {
    }

    /**
     * One reading of one process; heap figures are -1 for the broker, and {@code liveKb} until the JVM's first full
     * collection.
     *
     * @param heapKb          heap in use after the JVM's last collection (from its GC log)
     * @param heapCommittedKb heap committed after it
     * @param liveKb          heap in use after its last full collection (the live objects)
     * @param gcs             collections so far
     */
    record Reading(double second, long sent, long answered, long rssKb, long heapKb, long heapCommittedKb,
                   long liveKb, long gcs, long threads, long fds) {
    }

    /** A child process and, for a JVM, the attached VM that runs jcmd's commands in it and its GC log. */
    private record Watched(String name, ProcessHandle handle, Jcmd jcmd, GcLog gc) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs (--name value); got " + List.of(args));
        }
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + OPTIONS);
            }
            a.put(args[i], args[i + 1]);
        }
        int samples = Integer.parseInt(a.getOrDefault("--samples", "100000"));
        int rate = Integer.parseInt(a.getOrDefault("--rate", "80"));
        int every = Integer.parseInt(a.getOrDefault("--every", "10"));
        double warmup = Double.parseDouble(a.getOrDefault("--warmup", "0.2"));
        boolean fullGc = Boolean.parseBoolean(a.getOrDefault("--full-gc", "false"));
        int drain = Integer.parseInt(a.getOrDefault("--drain", "300"));
        if (samples < 1 || rate < 1 || every < 1 || warmup < 0 || warmup >= 1 || drain < 1) {
            throw new IllegalArgumentException("--samples, --rate, --every and --drain must be positive and "
                    + "--warmup in [0, 1)");
        }
        Path model = Path.of(a.getOrDefault("--model", "models/fmnist-resnet12"));
        Path deviceJar = Path.of(a.getOrDefault("--device-jar", "device-runtime/target/splitee-device.jar"));
        Path gatewayJar = Path.of(a.getOrDefault("--gateway-jar", "offload-gateway/target/splitee-gateway.jar"));
        Path units = Path.of(a.getOrDefault("--units", "systemd"));
        List<String> deviceOpts = opts(a.get("--device-opts"), units.resolve("splitee-device.service"));
        List<String> gatewayOpts = opts(a.get("--gateway-opts"), units.resolve("splitee-gateway.service"));
        List<String> gateway2Opts = a.containsKey("--gateway2-opts") ? opts(a.get("--gateway2-opts"), null)
                : gatewayOpts;
        Path out = Path.of(a.getOrDefault("--out", "benchmarks/target/soak"));
        Files.createDirectories(out);
        Jcmd.check();

        ModelPackage pkg = ModelPackage.load(model);
        String java = ProcessHandle.current().info().command().orElse("java");
        Map<String, Process> procs = new LinkedHashMap<>();
        List<Watched> watched = new ArrayList<>();
        Map<String, List<Reading>> readings = new LinkedHashMap<>();
        BitSet answered = new BitSet(samples);
        AtomicLong answers = new AtomicLong();
        AtomicLong twice = new AtomicLong();
        AtomicLong byGateway = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        Map<String, AtomicLong> notOk = new ConcurrentHashMap<>();
        AtomicReference<String> failure = new AtomicReference<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-sampler");
            t.setDaemon(true);
            return t;
        });
        long publishNanos = (long) samples * 1_000_000_000L / rate;
        double warmupSecond = warmup * publishNanos / 1e9;
        Path state = Files.createTempDirectory("soak-state");
        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(10_000).start();
             BufferedWriter csv = Files.newBufferedWriter(out.resolve("soak.csv"))) {
            for (String g : List.of("soak-g1", "soak-g2")) {
                procs.put(g, start(java, g.equals("soak-g1") ? gatewayOpts : gateway2Opts, gatewayJar, out.resolve(g + ".log"), "gateway " + g + " serving",
                        "gateway.id=" + g, "mqtt.uri=" + broker.uri(), "models=" + model, "workers=1",
                        "runtime.intra-op-threads=1"));
            }
            procs.put("device", start(java, deviceOpts, deviceJar, out.resolve("device.log"), "serving",
                    "device.id=soak", "mqtt.uri=" + broker.uri(), "model.dir=" + model, "state.dir=" + state,
                    "policy=fixed:1", "policy.threshold=1.0", "cost.mode=paper", "offload.deadline=1s",
                    "runtime.intra-op-threads=1"));
            for (Map.Entry<String, Process> e : procs.entrySet()) {
                watched.add(new Watched(e.getKey(), e.getValue().toHandle(), Jcmd.attach(e.getValue().pid()),
                        new GcLog(out.resolve(e.getKey() + "-gc.log"))));
            }
            ProcessHandle.current().children()
                    .filter(p -> p.info().command().map(c -> c.endsWith("mosquitto")).orElse(false))
                    .findFirst().ifPresent(p -> watched.add(new Watched("mosquitto", p, null, null)));
            watched.forEach(w -> readings.put(w.name(), new ArrayList<>()));
            csv.write("second,process,sent,answered,rss_kb,heap_after_gc_kb,heap_committed_kb,live_heap_kb,gcs,"
                    + "threads,fds\n");
            csv.flush();
            System.out.printf(Locale.ROOT, "JVM options: device %s; soak-g1 %s; soak-g2 %s%nwriting %s%n",
                    deviceOpts, gatewayOpts, gateway2Opts, out.resolve("soak.csv"));

            ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
            TensorSpec in = pkg.manifest().input().tensor().spec();
            long start = System.nanoTime();
            boolean[] histogramDone = {false};
            Runnable read = () -> {
                try {
                    double second = (System.nanoTime() - start) / 1e9;
                    for (Watched w : watched) {
                        if (!w.handle().isAlive()) {
                            failure.compareAndSet(null, w.name() + " died; its log: " + out.resolve(w.name() + ".log"));
                            return;
                        }
                        Reading r = read(w, second, sent.get(), answers.get(), fullGc);
                        synchronized (readings) {
                            readings.get(w.name()).add(r);
                        }
                        csv.write(String.format(Locale.ROOT, "%.1f,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d%n", r.second(),
                                w.name(), r.sent(), r.answered(), r.rssKb(), r.heapKb(), r.heapCommittedKb(),
                                r.liveKb(), r.gcs(), r.threads(), r.fds()));
                    }
                    csv.flush();
                    if (!histogramDone[0] && second >= warmupSecond) {
                        histogramDone[0] = true;
                        histograms(watched, out, "start");
                    }
                    System.out.printf(Locale.ROOT, "%6.0f s: %,d sent, %,d answered (%,d by a gateway, %,d twice, "
                            + "not ok %s)%n", second, sent.get(), answers.get(), byGateway.get(), twice.get(), notOk);
                } catch (Exception e) {
                    failure.compareAndSet(null, "reading failed: " + e);
                }
            };
            sampler.scheduleAtFixedRate(read, 0, every, TimeUnit.SECONDS);
            try (Transport sub = DeviceBenchmark.subscriber(broker, "soak", r -> {
                    answers.incrementAndGet();
                    int id = Integer.parseInt(r.sampleId().substring(2));
                    synchronized (answered) {
                        if (answered.get(id)) {
                            twice.incrementAndGet();
                        }
                        answered.set(id);
                    }
                    if (r.status() != ResultMessage.Status.OK) {
                        notOk.computeIfAbsent(r.status().jsonName(), k -> new AtomicLong()).incrementAndGet();
                    } else if (r.computedAt() == ResultMessage.Location.GATEWAY) {
                        byGateway.incrementAndGet();
                    }
                });
                 Transport pub = DeviceBenchmark.publisher(broker, "soak-camera");
                 FrameEncoder encoder = new FrameEncoder()) {
                for (int i = 0; i < samples && failure.get() == null; i++) {
                    long due = start + (long) i * 1_000_000_000L / rate;
                    long now = System.nanoTime();
                    if (due > now) {
                        TimeUnit.NANOSECONDS.sleep(due - now);
                    }
                    float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
                    pub.publish(Outgoing.builder("splitee/soak/samples", encoder.encode(Frame.sample(
                            pkg.manifest().id(), hash, 0, in, "s-" + i, Instant.now(), FloatBuffer.wrap(x))))
                            .qos(1).contentType(Frame.CONTENT_TYPE).build());
                    sent.incrementAndGet();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drain);
                while (failure.get() == null && System.nanoTime() < deadline) {
                    synchronized (answered) {
                        if (answered.cardinality() == samples) {
                            break;
                        }
                    }
                    Thread.sleep(100);
                }
                Thread.sleep(2_000); // answers published twice arrive after the first
            }
            sampler.shutdown();
            if (!sampler.awaitTermination(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the sampler did not finish its last reading in 2 minutes");
            }
            if (failure.get() != null) {
                throw new IllegalStateException(failure.get());
            }
            histograms(watched, out, "end"); // its full collection gives the last reading's heap after full GC
            histogramDone[0] = true;
            read.run();
            if (failure.get() != null) {
                throw new IllegalStateException(failure.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int missing;
            synchronized (answered) {
                missing = samples - answered.cardinality();
            }
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "%,d samples at %d/s: %,d answers in %.0f s, %,d by a gateway, "
                    + "%,d missing, %,d answered twice, not ok %s%n", samples, rate, answers.get(), seconds,
                    byGateway.get(), missing, twice.get(), notOk));
            s.append(String.format("JVM options: device `%s`; soak-g1 `%s`; soak-g2 `%s`; %s%n",
                    String.join(" ", deviceOpts), String.join(" ", gatewayOpts), String.join(" ", gateway2Opts),
                    fullGc ? "a full GC (jcmd GC.run) before each heap reading" : "no GC forced but by the histograms"));
            s.append(String.format(Locale.ROOT, "warm-up: the first %.0f s (%.0f %% of the publishing time)%n%n",
                    warmupSecond, 100 * warmup));
            s.append("| process | measure | after warm-up: first | min | max | last | flat within 10 % |\n");
            s.append("|---|---|---:|---:|---:|---:|---|\n");
            for (Map.Entry<String, List<Reading>> e : readings.entrySet()) {
                List<Reading> r = e.getValue().stream().filter(x -> x.second() >= warmupSecond).toList();
                if (r.isEmpty()) {
                    continue;
                }
                row(s, e.getKey(), "RSS (MB)", r, x -> x.rssKb() / 1024.0);
                if (r.stream().anyMatch(x -> x.heapKb() >= 0)) {
                    row(s, e.getKey(), "heap after GC (MB)", r, x -> x.heapKb() / 1024.0);
                    row(s, e.getKey(), "heap committed (MB)", r, x -> x.heapCommittedKb() / 1024.0);
                    List<Reading> live = r.stream().filter(x -> x.liveKb() >= 0).toList();
                    if (!live.isEmpty()) {
                        row(s, e.getKey(), "heap after full GC (MB)", live, x -> x.liveKb() / 1024.0);
                    }
                }
                row(s, e.getKey(), "threads", r, x -> (double) x.threads());
                row(s, e.getKey(), "file descriptors", r, x -> (double) x.fds());
            }
            s.append("\nClasses that grew most (bytes) between the histograms at the end of the warm-up and the end:\n");
            for (Watched w : watched) {
                if (w.jcmd() != null) {
                    s.append(growth(w.name(), out));
                }
            }
            System.out.print(s);
            Files.writeString(out.resolve("summary.md"), s.toString());
            SoakChart.write(out.resolve("soak.png"), readings, warmupSecond);
        } finally {
            sampler.shutdownNow();
            for (Watched w : watched) {
                if (w.jcmd() != null) {
                    w.jcmd().close();
                }
            }
            for (Process p : procs.values()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** The options given ({@code none}: the JVM's defaults), or the unit's JAVA_OPTS less its -D properties. */
    static List<String> opts(String given, Path unit) throws Exception {
        if (given != null) {
            return given.isBlank() || given.equals("none") ? List.of() : List.of(given.trim().split("\\s+"));
        }
        for (String line : Files.readAllLines(unit)) {
            if (line.startsWith("Environment=\"JAVA_OPTS=")) {
                String v = line.substring("Environment=\"JAVA_OPTS=".length(), line.lastIndexOf('"'));
                return List.of(v.split("\\s+")).stream().filter(o -> !o.startsWith("-D")).toList();
            }
        }
        throw new IllegalArgumentException(unit + " has no Environment=\"JAVA_OPTS=...\" line");
    }

    private static void row(StringBuilder s, String process, String measure, List<Reading> r,
                            ToDoubleFunction<Reading> f) {
        double min = r.stream().mapToDouble(f).min().orElse(Double.NaN);
        double max = r.stream().mapToDouble(f).max().orElse(Double.NaN);
        s.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %s |%n", process, measure,
                f.applyAsDouble(r.get(0)), min, max, f.applyAsDouble(r.get(r.size() - 1)),
                max <= 1.1 * min ? String.format(Locale.ROOT, "yes (+%.1f %%)", 100 * (max / min - 1))
                        : String.format(Locale.ROOT, "**no** (+%.1f %%)", 100 * (max / min - 1))));
    }

    private static Reading read(Watched w, double second, long sent, long answers, boolean fullGc) throws Exception {
        long pid = w.handle().pid();
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
        if (w.jcmd() == null) {
            return new Reading(second, sent, answers, rss, -1, -1, -1, 0, threads, fds);
        }
        if (fullGc) {
            w.jcmd().run("GC.run");
        }
        GcLog.Gc last = w.gc().last();
        GcLog.Gc full = w.gc().lastFull();
        return new Reading(second, sent, answers, rss, last == null ? -1 : last.afterKb(),
                last == null ? -1 : last.committedKb(), full == null ? -1 : full.afterKb(), w.gc().count(), threads,
                fds);
    }

    private static void histograms(List<Watched> watched, Path out, String when) throws Exception {
        for (Watched w : watched) {
            if (w.jcmd() != null) {
                Files.writeString(out.resolve(w.name() + "-histogram-" + when + ".txt"),
                        w.jcmd().run("GC.class_histogram"));
            }
        }
    }

    /** The ten classes whose instances' bytes grew most between the two histograms of {@code process}. */
    static String growth(String process, Path out) throws Exception {
        if (!Files.exists(out.resolve(process + "-histogram-start.txt"))) {
            return "- " + process + ": no histogram at the end of the warm-up (the run ended before it)\n";
        }
        Map<String, long[]> start = histogram(out.resolve(process + "-histogram-start.txt"));
        Map<String, long[]> end = histogram(out.resolve(process + "-histogram-end.txt"));
        long total0 = start.values().stream().mapToLong(v -> v[1]).sum();
        long total1 = end.values().stream().mapToLong(v -> v[1]).sum();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "- %s: all live objects %,d KB -> %,d KB;",
                process, total0 / 1024, total1 / 1024));
        end.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> -(e.getValue()[1]
                        - Optional.ofNullable(start.get(e.getKey())).map(v -> v[1]).orElse(0L))))
                .limit(10)
                .forEach(e -> {
                    long[] was = start.getOrDefault(e.getKey(), new long[2]);
                    s.append(String.format(Locale.ROOT, " %s %+,d B (%+,d instances);", e.getKey(),
                            e.getValue()[1] - was[1], e.getValue()[0] - was[0]));
                });
        return s.append('\n').toString();
    }

    private static Map<String, long[]> histogram(Path file) throws Exception {
        Map<String, long[]> m = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher h = HISTO.matcher(line);
            if (h.find()) {
                m.merge(h.group(3), new long[] {Long.parseLong(h.group(1)), Long.parseLong(h.group(2))},
                        (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
            }
        }
        return m;
    }

    private static Process start(String java, List<String> opts, Path jar, Path log, String ready, String... settings)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(opts);
        String name = log.getFileName().toString().replace(".log", "");
        cmd.add("-Xlog:gc,gc+heap:file=" + log.resolveSibling(name + "-gc.log"));
        cmd.addAll(List.of("-jar", jar.toString(), "run"));
        for (String s : settings) {
            cmd.addAll(List.of("--set", s));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "soak-stop-" + p.pid()));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(Files.exists(log) && Files.readString(log).contains(ready))) {
            if (!p.isAlive() || System.nanoTime() > end) {
                p.destroyForcibly();
                throw new IllegalStateException(jar + " did not start in 120 s: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return p;
    }

    /**
     * jcmd's diagnostic commands run in this JVM through the attach API ({@code HotSpotVirtualMachine.executeJCmd},
     * the call the jcmd tool makes), so a reading starts no process.
     */
    static final class Jcmd implements AutoCloseable {
        private final com.sun.tools.attach.VirtualMachine vm;

        private Jcmd(com.sun.tools.attach.VirtualMachine vm) {
            this.vm = vm;
        }

        static void check() {
            if (!Jcmd.class.getModule().canRead(com.sun.tools.attach.VirtualMachine.class.getModule())
                    || !com.sun.tools.attach.VirtualMachine.class.getModule().isExported("sun.tools.attach",
                    Jcmd.class.getModule())) {
                throw new IllegalStateException("Soak runs jcmd's commands in process: start it with "
                        + "--add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED");
            }
        }

        static Jcmd attach(long pid) throws Exception {
            return new Jcmd(com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid)));
        }

        String run(String command) throws Exception {
            Object stream = Class.forName("sun.tools.attach.HotSpotVirtualMachine")
                    .getMethod("executeJCmd", String.class).invoke(vm, command);
            // read as jcmd reads it: the attach stream's readAllBytes stops after its first 4,096 bytes (JDK 17)
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            try (java.io.InputStream in = (java.io.InputStream) stream) {
                byte[] b = new byte[8192];
                for (int n = in.read(b); n > 0; n = in.read(b)) {
                    text.write(b, 0, n);
                }
            }
            return text.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            vm.detach();
        }
    }
}
