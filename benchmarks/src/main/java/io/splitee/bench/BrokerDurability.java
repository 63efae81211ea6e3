package io.splitee.bench;

import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an acknowledged QoS 1 sample is worth when Mosquitto crashes (issue #20): for each autosave setting, a
 * device's persistent session is offline, a camera publishes {@code --samples} QoS 1 messages of
 * {@code --bytes} bytes (64 in flight) and gets every PUBACK, the broker is killed with SIGKILL right after the
 * last one and started again, and the device's session is resumed: how many of the acknowledged samples it
 * gets (lost = acknowledged but never delivered), and the camera's publish rate under that setting (the cost).
 *
 * <pre>java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.BrokerDurability --samples 2000 --rounds 3</pre>
 */
public final class BrokerDurability {
    private BrokerDurability() {
    }

    private record Setting(String name, int interval, boolean onChanges) {
    }

    public static void main(String[] args) throws Exception {
        int samples = 2000;
        int bytes = 3200; // about a 28 x 28 fp32 sample frame
        int rounds = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--samples" -> samples = Integer.parseInt(args[i + 1]);
                case "--bytes" -> bytes = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--samples N, --bytes N, --rounds N)");
            }
        }
        List<Setting> settings = List.of(
                new Setting("autosave_interval 1800 (a save only at a graceful stop)", 1800, false),
                new Setting("autosave_interval 60", 60, false),
                new Setting("autosave_interval 1", 1, false),
                new Setting("autosave_on_changes true, autosave_interval 100", 100, true),
                new Setting("autosave_on_changes true, autosave_interval 1", 1, true));
        System.out.printf(Locale.ROOT, "%d QoS 1 samples of %d bytes, device session offline, SIGKILL right after "
                + "the last PUBACK; %d rounds%n", samples, bytes, rounds);
        System.out.println("| setting | lost of acknowledged (per round) | publish rate, samples/s (median) |");
        System.out.println("|---|---|---|");
        for (Setting s : settings) {
            List<Integer> lost = new ArrayList<>();
            List<Double> rates = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double[] out = round(s, samples, bytes, r);
                lost.add((int) out[0]);
                rates.add(out[1]);
            }
            rates.sort(null);
            System.out.printf(Locale.ROOT, "| `%s` | %s | %.0f |%n", s.name(), lost, rates.get(rates.size() / 2));
        }
    }

    /** One round: {lost, publish rate}. */
    private static double[] round(Setting s, int samples, int bytes, int round) throws Exception {
        MosquittoBroker.Builder b = MosquittoBroker.builder().maxQueuedMessages(0).autosaveInterval(s.interval());
        if (s.onChanges()) {
            b.autosaveOnChanges();
        }
        try (MosquittoBroker broker = b.start()) {
            String device = "durable-device-" + round;
            BitSet got = new BitSet(samples);
            AtomicLong deliveries = new AtomicLong();
            MqttSettings deviceSettings = MqttSettings.builder(device, broker.uri()).cleanStart(false)
                    .sessionExpiry(Duration.ofHours(1)).receiveMaximum(1000)
                    .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(500)).build();
            try (Transport d = Transport.mqtt(deviceSettings)) {
                d.subscribe("splitee/durable/samples", 1, m -> { });
                d.start(); // the session with its subscription exists; the device goes away
            }
            double rate;
            try (Transport camera = Transport.mqtt(MqttSettings.builder("camera-" + round, broker.uri())
                    .maxInFlight(64).build())) {
                camera.start();
                List<CompletableFuture<Void>> sent = new ArrayList<>(samples);
                long start = System.nanoTime();
                for (int i = 0; i < samples; i++) {
                    byte[] payload = new byte[bytes];
                    ByteBuffer.wrap(payload).putInt(i);
                    sent.add(camera.publish(Outgoing.of("splitee/durable/samples", payload, 1)));
                }
                CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(300, TimeUnit.SECONDS);
                rate = samples / ((System.nanoTime() - start) / 1e9);
                broker.kill(); // every sample was acknowledged to the camera
            }
            broker.restart();
            try (Transport d = Transport.mqtt(deviceSettings)) {
                d.subscribe("splitee/durable/samples", 1, (Incoming m) -> {
                    synchronized (got) {
                        got.set(m.payloadBuffer().getInt());
                    }
                    deliveries.incrementAndGet();
                    d.ack(m);
                });
                d.start();
                long quiet = System.nanoTime();
                long seen = -1;
                while (System.nanoTime() - quiet < TimeUnit.SECONDS.toNanos(2)) {
                    long now = deliveries.get();
                    if (now != seen) {
                        seen = now;
                        quiet = System.nanoTime();
                    }
                    Thread.sleep(50);
                }
            }
            int lost;
            synchronized (got) {
                lost = samples - got.cardinality();
            }
            return new double[] {lost, rate};
        }
    }
}
