package io.splitee.bench;

import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the device's exactly-once answers cost (docs/benchmarks.md, "Answers at QoS 2 with a file store"): answers
 * of the device's size published through the Paho transport to a real Mosquitto on loopback, in four variants
 * side by side in one run, their order rotated per round:
 * <ul>
 *   <li>{@code qos1-memory}: the answers before (QoS 1, in-flight state in memory);</li>
 *   <li>{@code qos2-memory}: QoS 2 alone (one more round trip per answer: PUBREC, PUBREL, PUBCOMP);</li>
 *   <li>{@code qos2-tmpfs}: QoS 2 with the client's file store on a tmpfs ({@code /dev/shm}, as the unit's
 *       {@code RuntimeDirectory=} under {@code /run}): the device's default under systemd;</li>
 *   <li>{@code qos2-disk}: the same store on the disk ({@code --disk-dir}, default the working directory): the
 *       device's default outside systemd ({@code state.dir}).</li>
 * </ul>
 * Per variant: answers/s at full speed with 64 in flight (the device's {@code mqtt.max-in-flight}), and the time
 * from publish to the broker's acknowledgement (PUBACK or PUBCOMP) at a paced 100 answers/s. A subscriber counts
 * every delivery: each answer must arrive once.
 *
 * <p>Usage: {@code java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.AnswerQosBenchmark
 * [--answers 5000] [--paced 1000] [--rate 100] [--rounds 3] [--bytes 420] [--disk-dir DIR]}
 */
public final class AnswerQosBenchmark {
    private static final String[] VARIANTS = {"qos1-memory", "qos2-memory", "qos2-tmpfs", "qos2-disk"};

    private AnswerQosBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int answers = Integer.parseInt(a.getOrDefault("--answers", "5000"));
        int paced = Integer.parseInt(a.getOrDefault("--paced", "1000"));
        int rate = Integer.parseInt(a.getOrDefault("--rate", "100"));
        int rounds = Integer.parseInt(a.getOrDefault("--rounds", "3"));
        int bytes = Integer.parseInt(a.getOrDefault("--bytes", "420"));
        Path disk = Path.of(a.getOrDefault("--disk-dir", ".")).toAbsolutePath();
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm)) {
            throw new IllegalStateException("/dev/shm is not a directory: no tmpfs to measure on");
        }
        Map<String, List<Double>> rates = new ConcurrentHashMap<>();
        Map<String, List<String>> latencies = new ConcurrentHashMap<>();
        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start()) {
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < VARIANTS.length; k++) {
                    String v = VARIANTS[(k + r) % VARIANTS.length];
                    Path store = switch (v) {
                        case "qos2-tmpfs" -> Files.createTempDirectory(shm, "splitee-bench-store");
                        case "qos2-disk" -> Files.createTempDirectory(disk, "splitee-bench-store");
                        default -> null;
                    };
                    int qos = v.startsWith("qos1") ? 1 : 2;
                    try {
                        double perSecond = fullSpeed(broker, v + "-" + r, qos, store, answers, bytes);
                        String lat = paced(broker, v + "-p" + r, qos, store, paced, rate, bytes);
                        rates.computeIfAbsent(v, x -> new ArrayList<>()).add(perSecond);
                        latencies.computeIfAbsent(v, x -> new ArrayList<>()).add(lat);
                        System.out.printf(Locale.ROOT, "round %d %-12s %8.0f answers/s; at %d/s publish to ack %s%n",
                                r + 1, v, perSecond, rate, lat);
                    } finally {
                        if (store != null) {
                            delete(store);
                        }
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| variant | answers/s, per round | median | vs qos1-memory | publish to ack at " + rate
                + "/s, p50 / p99 ms, per round |");
        System.out.println("|---|---|---:|---:|---|");
        double base = median(rates.get("qos1-memory"));
        for (String v : VARIANTS) {
            List<Double> rs = rates.get(v);
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.2f | %s |%n", v,
                    String.join(", ", rs.stream().map(x -> String.format(Locale.ROOT, "%.0f", x)).toList()),
                    median(rs), median(rs) / base, String.join("; ", latencies.get(v)));
        }
    }

    /** Answers/s: {@code n} answers published as fast as the in-flight window of 64 allows. */
    private static double fullSpeed(MosquittoBroker broker, String name, int qos, Path store, int n, int bytes)
            throws Exception {
        byte[] payload = payload(bytes);
        try (Counting sub = new Counting(broker, name, n); Transport pub = publisher(broker, name, store)) {
            List<CompletableFuture<Void>> futures = new ArrayList<>(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                futures.add(pub.publish(answer(name, i, payload, qos)));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.MINUTES);
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            sub.await(n);
            return rate;
        }
    }

    /** p50 / p99 of publish to acknowledgement, in ms, at {@code rate} answers/s. */
    private static String paced(MosquittoBroker broker, String name, int qos, Path store, int n, int rate, int bytes)
            throws Exception {
        byte[] payload = payload(bytes);
        double[] ms = new double[n];
        try (Counting sub = new Counting(broker, name, n); Transport pub = publisher(broker, name, store)) {
            List<CompletableFuture<Void>> futures = new ArrayList<>(n);
            long due = System.nanoTime();
            for (int i = 0; i < n; i++) {
                due += 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int k = i;
                long t0 = System.nanoTime();
                futures.add(pub.publish(answer(name, i, payload, qos))
                        .whenComplete((ok, err) -> ms[k] = (System.nanoTime() - t0) / 1e6));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.MINUTES);
            sub.await(n);
        }
        Arrays.sort(ms);
        return String.format(Locale.ROOT, "%.2f / %.2f", ms[n / 2], ms[(int) Math.min(n - 1, Math.round(n * 0.99))]);
    }

    private static Transport publisher(MosquittoBroker broker, String name, Path store) throws Exception {
        MqttSettings.Builder b = MqttSettings.builder("bench-answers-" + name, broker.uri()).cleanStart(false)
                .sessionExpiry(Duration.ofMinutes(5)).maxInFlight(64);
        if (store != null) {
            b.persistenceDir(store);
        }
        Transport t = Transport.mqtt(b.build());
        t.start();
        return t;
    }

    private static Outgoing answer(String name, int i, byte[] payload, int qos) {
        String id = name + "-" + i;
        return Outgoing.builder("bench/" + name + "/results", payload).qos(qos).contentType("application/json")
                .correlationData(id.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** About the size of a device's answer (a result JSON with ten class probabilities). */
    private static byte[] payload(int bytes) {
        byte[] b = new byte[bytes];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void delete(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Counts the deliveries of every answer id; each must arrive exactly once. */
    private static final class Counting implements AutoCloseable {
        private final Transport t;
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        private final CountDownLatch all;

        Counting(MosquittoBroker broker, String name, int n) throws Exception {
            all = new CountDownLatch(n);
            t = Transport.mqtt(MqttSettings.builder("bench-answers-sub-" + name, broker.uri()).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).receiveMaximum(1000).build());
            t.subscribe("bench/" + name + "/results", 1, m -> {
                if (seen.computeIfAbsent(new String(m.correlationData(), StandardCharsets.UTF_8),
                        k -> new AtomicInteger()).incrementAndGet() == 1) {
                    all.countDown();
                }
                t.ack(m);
            });
            t.start();
        }

        void await(int n) throws InterruptedException {
            if (!all.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("answers missing: " + all.getCount() + " of " + n);
            }
            Thread.sleep(200); // room for a second delivery to show up
            long twice = seen.values().stream().filter(c -> c.get() > 1).count();
            if (twice > 0) {
                throw new IllegalStateException(twice + " answers delivered more than once");
            }
        }

        @Override
        public void close() {
            t.close();
        }
    }
}
