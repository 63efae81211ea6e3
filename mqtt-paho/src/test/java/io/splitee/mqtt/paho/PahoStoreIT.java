package io.splitee.mqtt.paho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QoS 2 publishes through the client's file store ({@link FilePersistence}) against a real Mosquitto. */
class PahoStoreIT {

    private static Transport subscriber(MosquittoBroker broker, String topic, Map<String, AtomicInteger> seen)
            throws Exception {
        Transport t = Transport.mqtt(MqttSettings.builder("store-sub", broker.uri()).cleanStart(true)
                .sessionExpiry(Duration.ZERO).receiveMaximum(1000).build());
        t.subscribe(topic, 1, m -> {
            seen.computeIfAbsent(new String(m.correlationData(), StandardCharsets.UTF_8), k -> new AtomicInteger())
                    .incrementAndGet();
            t.ack(m);
        });
        t.start();
        return t;
    }

    @Test
    void qos2PublishesThroughTheStoreEachArriveOnceAndLeaveARecordOfTheLastCompleted(@TempDir Path store)
            throws Exception {
        int n = 300;
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        try (MosquittoBroker broker = MosquittoBroker.builder().start();
             Transport sub = subscriber(broker, "t/answers", seen)) {
            try (Transport pub = Transport.mqtt(MqttSettings.builder("store-pub", broker.uri()).cleanStart(false)
                    .sessionExpiry(Duration.ofMinutes(5)).maxInFlight(32).persistenceDir(store).build())) {
                pub.start();
                assertTrue(pub.earlierPublishes().isEmpty());
                List<CompletableFuture<Void>> futures = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    futures.add(pub.publish(Outgoing.builder(i % 2 == 0 ? "t/answers" : "t/answers", new byte[300])
                            .qos(2).correlationData(("a-" + i).getBytes(StandardCharsets.UTF_8)).build()));
                }
                CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (seen.size() < n && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            assertEquals(n, seen.size());
            assertTrue(seen.values().stream().allMatch(c -> c.get() == 1), seen.toString());
            try (Transport again = Transport.mqtt(MqttSettings.builder("store-pub", broker.uri()).cleanStart(false)
                    .sessionExpiry(Duration.ofMinutes(5)).maxInFlight(32).persistenceDir(store).build())) {
                again.start();
                List<Outgoing> earlier = again.earlierPublishes();
                assertEquals(n, earlier.size(), "the record of the completed ones (fewer than "
                        + Transport.EARLIER_COMPLETED_KEPT + ")");
                assertEquals("a-0", new String(earlier.get(0).correlationData(), StandardCharsets.UTF_8));
                assertEquals("t/answers", earlier.get(n - 1).topic());
            }
        }
    }
}
