package io.splitee.bench;

import io.splitee.device.config.DeviceConfig;
import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.wire.Frame;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * The same load over CoAP and over MQTT, side by side in one run (docs/benchmarks.md, "CoAP against MQTT";
 * issue 17): one device daemon in this JVM (the shipped model, {@code policy=final}, {@code cost.mode=paper},
 * CoAP on loopback) and a real Mosquitto. Per round, first {@code --samples} posts from {@code --clients}
 * concurrent Californium clients ({@code POST /samples}, each waiting for its answer before the next), then
 * the same samples from as many concurrent MQTT publishers, each waiting for its sample's answer on the
 * results topic before publishing the next: the same closed loop with the same concurrency, so latencies
 * compare. Latency: CoAP request to response; MQTT publish to the answer's arrival on the results topic.
 *
 * <p>Exactly once, checked every round and fatal otherwise: every CoAP request gets one {@code 2.05}
 * carrying its own sample id; every sample, CoAP-fed or MQTT-fed, appears exactly once on the results topic
 * (counted there, after a quiet period for late duplicates); and both paths predict the same class for the
 * same image.
 *
 * <p>Usage: {@code java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.CoapBenchmark
 * [--model models/fmnist-resnet12] [--samples 2000] [--clients 8] [--warmup 1000] [--rounds 2]}
 */
public final class CoapBenchmark {
    private CoapBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path model = Path.of(a.getOrDefault("--model", "models/fmnist-resnet12"));
        int samples = Integer.parseInt(a.getOrDefault("--samples", "2000"));
        int clients = Integer.parseInt(a.getOrDefault("--clients", "8"));
        int warmup = Integer.parseInt(a.getOrDefault("--warmup", "1000"));
        int rounds = Integer.parseInt(a.getOrDefault("--rounds", "2"));
        org.eclipse.californium.core.config.CoapConfig.register();
        UdpConfig.register();
        ModelPackage pkg = ModelPackage.load(model);
        System.out.printf(Locale.ROOT, "model %s, %d samples per path per round from %d concurrent clients, "
                        + "%d warm-up samples per path, %d rounds; %d CPUs, load average %s%n", pkg.manifest().id(),
                samples, clients, warmup, rounds, Runtime.getRuntime().availableProcessors(), loadAverage());
        String device = "bench-coap";
        Path state = Files.createTempDirectory("bench-coap");
        try (GatewayBenchBroker broker = GatewayBenchBroker.start(64);
             Results results = new Results(broker.uri(), device);
             DeviceDaemon daemon = DeviceDaemon.start(config(broker.uri(), pkg, device, state))) {
            String uri = "coap://127.0.0.1:" + daemon.coap().orElseThrow().plainAddress().orElseThrow().getPort()
                    + "/samples";
            Load load = new Load(pkg, uri, broker.uri(), device, clients, results);
            if (warmup > 0) { // the JIT compiles both paths' code before anything is timed
                load.coap("warm-c-", warmup);
                load.mqtt("warm-m-", warmup);
            }
            List<Double> ratios50 = new ArrayList<>();
            List<Double> ratios99 = new ArrayList<>();
            List<Double> ratiosRate = new ArrayList<>();
            List<Double> ratiosCpu = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                Measured c = load.coap("coap-r" + r + "-", samples);
                Measured m = load.mqtt("mqtt-r" + r + "-", samples);
                for (int i = 0; i < samples; i++) {
                    if (c.classes[i] != m.classes[i]) {
                        throw new IllegalStateException("sample " + i + ": CoAP class " + c.classes[i]
                                + ", MQTT class " + m.classes[i]);
                    }
                }
                System.out.printf(Locale.ROOT, "round %d: CoAP %s%n", r, c);
                System.out.printf(Locale.ROOT, "round %d: MQTT %s%n", r, m);
                System.out.printf(Locale.ROOT, "round %d: CoAP/MQTT p50 %.2f, p99 %.2f, throughput %.2f, daemon "
                                + "CPU per sample %.2f; every sample answered exactly once on both paths (%d CoAP 2.05, "
                                + "%d + %d on the results topic), same classes%n", r, c.p50() / m.p50(),
                        c.p99() / m.p99(), c.rate / m.rate, c.deviceCpuMs / m.deviceCpuMs, samples, samples, samples);
                ratiosCpu.add(c.deviceCpuMs / m.deviceCpuMs);
                ratios50.add(c.p50() / m.p50());
                ratios99.add(c.p99() / m.p99());
                ratiosRate.add(c.rate / m.rate);
            }
            System.out.printf(Locale.ROOT, "COAP/MQTT median over %d rounds: p50 %.2f, p99 %.2f, throughput %.2f, "
                    + "daemon CPU per sample %.2f; load average after %s%n", rounds, median(ratios50),
                    median(ratios99), median(ratiosRate), median(ratiosCpu), loadAverage());
            load.close();
        }
    }

    static DeviceConfig config(String mqttUri, ModelPackage pkg, String id, Path state) throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("device.id", id);
        o.put("mqtt.uri", mqttUri);
        o.put("model.dir", pkg.directory().toString());
        o.put("state.dir", state.toString());
        o.put("runtime.intra-op-threads", "1");
        o.put("policy", "final");
        o.put("cost.mode", "paper");
        o.put("coap.enabled", "true");
        o.put("coap.bind", "127.0.0.1");
        o.put("coap.port", "0");
        return DeviceConfig.load(null, Map.of(), o);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s[s.length / 2];
    }

    /**
     * CPU time so far, in ms, of the daemon's threads: its own ({@code splitee-<device>-*}: worker, answers,
     * CoAP server) and its MQTT client's (named after its client id {@code splitee-device-<device>}); not the
     * load's clients, which run in this JVM too.
     */
    static double deviceCpuMs(String device) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double ms = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (n.startsWith("splitee-" + device + "-") || n.contains("splitee-device-" + device)) {
                long ns = mx.getThreadCpuTime(t.getId());
                ms += ns > 0 ? ns / 1e6 : 0;
            }
        }
        return ms;
    }

    /**
     * One path's phase: latencies (ms, sorted), samples/s, the class of each sample, the daemon's CPU per
     * sample (ms).
     */
    record Measured(double[] latencyMs, double rate, int[] classes, double deviceCpuMs) {
        double p50() {
            return latencyMs[latencyMs.length / 2];
        }

        double p99() {
            return latencyMs[(int) Math.floor(latencyMs.length * 0.99)];
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d samples: %.1f samples/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
                    + " daemon CPU %.3f ms per sample", latencyMs.length, rate, p50(), p99(),
                    latencyMs[latencyMs.length - 1], deviceCpuMs);
        }
    }

    /** Every answer on the device's results topic, counted by sample id; waiters are completed by id. */
    static final class Results implements AutoCloseable {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final Map<String, CompletableFuture<ResultMessage>> waiting = new ConcurrentHashMap<>();
        private final Transport t;

        Results(String uri, String device) throws Exception {
            t = Transport.mqtt(MqttSettings.builder("bench-coap-sub", uri).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).receiveMaximum(1000).build());
            t.subscribe("splitee/" + device + "/results", 1, m -> {
                try {
                    ResultMessage r = ResultCodec.parse(m.payload());
                    long now = System.nanoTime();
                    counts.computeIfAbsent(r.sampleId(), k -> new AtomicInteger()).incrementAndGet();
                    CompletableFuture<ResultMessage> w = waiting.remove(r.sampleId());
                    if (w != null) {
                        arrivals.put(r.sampleId(), now);
                        w.complete(r);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    t.ack(m);
                }
            });
            t.start();
        }

        final Map<String, Long> arrivals = new ConcurrentHashMap<>();

        /** Fails unless every id with this prefix up to n arrived exactly once (after a quiet period). */
        void exactlyOnce(String prefix, int n) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (count(prefix) < n && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // a second answer would arrive now
            for (int i = 0; i < n; i++) {
                AtomicInteger c = counts.get(prefix + i);
                if (c == null || c.get() != 1) {
                    throw new IllegalStateException(prefix + i + " on the results topic " + (c == null ? 0 : c.get())
                            + " times");
                }
            }
            if (count(prefix) != n) {
                throw new IllegalStateException(count(prefix) + " ids " + prefix + "* on the results topic, sent " + n);
            }
        }

        private long count(String prefix) {
            return counts.keySet().stream().filter(k -> k.startsWith(prefix)).count();
        }

        @Override
        public void close() {
            t.close();
        }
    }

    /** The two loads: {@code clients} concurrent closed loops over the same samples. */
    static final class Load implements AutoCloseable {
        private final ModelPackage pkg;
        private final String coapUri;
        private final String device;
        private final int clients;
        private final Results results;
        private final ExecutorService pool;
        private final List<Transport> publishers = new ArrayList<>();
        private final io.splitee.wire.FrameEncoder encoder = new io.splitee.wire.FrameEncoder();

        Load(ModelPackage pkg, String coapUri, String mqttUri, String device, int clients, Results results)
                throws Exception {
            this.pkg = pkg;
            this.coapUri = coapUri;
            this.device = device;
            this.clients = clients;
            this.results = results;
            this.pool = Executors.newFixedThreadPool(clients, io.splitee.lifecycle.Threads.factory("bench-load", false));
            for (int c = 0; c < clients; c++) {
                Transport p = Transport.mqtt(MqttSettings.builder("bench-coap-pub-" + c, mqttUri).cleanStart(true)
                        .sessionExpiry(Duration.ZERO).maxInFlight(16).build());
                p.start();
                publishers.add(p);
            }
        }

        byte[][] frames(String prefix, int n) {
            byte[][] f = new byte[n][];
            io.splitee.wire.ManifestHash hash = new io.splitee.wire.ManifestHash(pkg.manifestSha256Bytes());
            for (int i = 0; i < n; i++) {
                float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
                f[i] = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0, pkg.manifest().input().tensor().spec(),
                        prefix + i, java.time.Instant.now(), java.nio.FloatBuffer.wrap(x)));
            }
            return f;
        }

        /** Client k sends samples k, k + clients, ...: each waits for its answer before the next. */
        Measured coap(String prefix, int n) throws Exception {
            byte[][] frames = frames(prefix, n);
            double[] lat = new double[n];
            int[] classes = new int[n];
            double cpu0 = deviceCpuMs(device);
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    CoapEndpoint ep = new CoapEndpoint.Builder()
                            .setConfiguration(Configuration.createStandardWithoutFile()).build();
                    CoapClient cl = new CoapClient(coapUri).setEndpoint(ep).setTimeout(60_000L);
                    try {
                        for (int i = client; i < n; i += clients) {
                            long s = System.nanoTime();
                            CoapResponse r = cl.post(frames[i], MediaTypeRegistry.APPLICATION_OCTET_STREAM);
                            long e = System.nanoTime();
                            if (r == null || r.getCode() != CoAP.ResponseCode.CONTENT) {
                                throw new IllegalStateException(prefix + i + ": " + (r == null ? "no response"
                                        : r.getCode() + " " + r.getResponseText()));
                            }
                            ResultMessage m = ResultCodec.parse(r.getPayload());
                            if (!m.sampleId().equals(prefix + i)) {
                                throw new IllegalStateException("asked " + prefix + i + ", answered " + m.sampleId());
                            }
                            lat[i] = (e - s) / 1e6;
                            classes[i] = m.prediction().classIndex();
                        }
                    } finally {
                        cl.shutdown();
                        ep.destroy();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            double cpu = (deviceCpuMs(device) - cpu0) / n;
            results.exactlyOnce(prefix, n);
            Arrays.sort(lat);
            return new Measured(lat, rate, classes, cpu);
        }

        /** Publisher k publishes samples k, k + clients, ...: each waits for its answer on the results topic. */
        Measured mqtt(String prefix, int n) throws Exception {
            byte[][] frames = frames(prefix, n);
            double[] lat = new double[n];
            int[] classes = new int[n];
            String topic = "splitee/" + device + "/samples";
            double cpu0 = deviceCpuMs(device);
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    Transport p = publishers.get(client);
                    for (int i = client; i < n; i += clients) {
                        String id = prefix + i;
                        CompletableFuture<ResultMessage> answer = new CompletableFuture<>();
                        results.waiting.put(id, answer);
                        long s = System.nanoTime();
                        p.publish(Outgoing.builder(topic, frames[i]).qos(1).contentType(Frame.CONTENT_TYPE).build());
                        ResultMessage m = answer.get(60, TimeUnit.SECONDS);
                        lat[i] = (results.arrivals.remove(id) - s) / 1e6;
                        classes[i] = m.prediction().classIndex();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            double cpu = (deviceCpuMs(device) - cpu0) / n;
            results.exactlyOnce(prefix, n);
            Arrays.sort(lat);
            return new Measured(lat, rate, classes, cpu);
        }

        @Override
        public void close() {
            pool.shutdownNow();
            publishers.forEach(Transport::close);
            encoder.close();
        }
    }
}
