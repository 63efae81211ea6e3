package io.splitee.bench;

import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What publishing the device's answers at QoS 2 instead of QoS 1 costs ({@code results.qos}, docs/operations.md):
 * a device-like publisher (the Paho transport, 32 in flight, a persistent session) publishes {@code --answers}
 * answers of {@code --bytes} bytes (about a result's JSON) to a Mosquitto on loopback as fast as its window
 * allows, and a consumer of the results topic takes them (QoS 1 subscription, acknowledged at once). Reported per
 * QoS: answers/s from the first publish until every future completed, and until the consumer had them all; rounds
 * alternate the two QoS levels, on one broker, and the median is printed.
 *
 * <pre>java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.AnswerQos --answers 20000 --rounds 5</pre>
 */
public final class AnswerQos {
    private AnswerQos() {
    }

    public static void main(String[] args) throws Exception {
        int answers = 20_000;
        int bytes = 300;
        int rounds = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--answers" -> answers = Integer.parseInt(args[i + 1]);
                case "--bytes" -> bytes = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--answers N, --bytes N, --rounds N)");
            }
        }
        byte[] payload = "x".repeat(bytes).getBytes(StandardCharsets.UTF_8);
        List<List<double[]>> results = List.of(new ArrayList<>(), new ArrayList<>());
        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start()) {
            round(broker, 1, 2000, payload, -1); // warm-up
            for (int r = 0; r < rounds; r++) {
                for (int qos = 1; qos <= 2; qos++) {
                    results.get(qos - 1).add(round(broker, qos, answers, payload, r));
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d answers of %d bytes per round, %d rounds, 32 in flight, Mosquitto on "
                + "loopback%n", answers, bytes, rounds);
        System.out.println("| QoS | published, answers/s (median) | received, answers/s (median) |");
        System.out.println("|---|---:|---:|");
        for (int qos = 1; qos <= 2; qos++) {
            List<double[]> rs = results.get(qos - 1);
            System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f |%n", qos, median(rs, 0), median(rs, 1));
        }
    }

    /** One round: {published/s, received/s}. */
    private static double[] round(MosquittoBroker broker, int qos, int n, byte[] payload, int round)
            throws Exception {
        String suffix = qos + "-" + round;
        CountDownLatch all = new CountDownLatch(n);
        Transport consumer = Transport.mqtt(MqttSettings.builder("results-consumer-" + suffix, broker.uri())
                .cleanStart(true).build());
        Transport device = Transport.mqtt(MqttSettings.builder("answering-device-" + suffix, broker.uri())
                .cleanStart(false).maxInFlight(32).build());
        try (consumer; device) {
            consumer.subscribe("splitee/bench/results", 1, m -> {
                consumer.ack(m);
                all.countDown();
            });
            consumer.start();
            device.start();
            List<CompletableFuture<Void>> sent = new ArrayList<>(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sent.add(device.publish(Outgoing.builder("splitee/bench/results", payload).qos(qos).build()));
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.MINUTES);
            long published = System.nanoTime() - t0;
            if (!all.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the consumer got " + (n - all.getCount()) + " of " + n);
            }
            long received = System.nanoTime() - t0;
            return new double[] {n / (published / 1e9), n / (received / 1e9)};
        }
    }

    private static double median(List<double[]> rs, int k) {
        double[] v = rs.stream().mapToDouble(r -> r[k]).sorted().toArray();
        return v[v.length / 2];
    }
}
