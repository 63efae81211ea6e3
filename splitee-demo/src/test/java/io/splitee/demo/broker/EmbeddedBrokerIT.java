package io.splitee.demo.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerIT {
    @TempDir
    Path home;

    @Test
    void carriesAnMqtt5MessageWithPropertiesAndStopsListeningWhenClosed() throws Exception {
        String uri;
        EmbeddedBroker broker = EmbeddedBroker.start(home);
        try {
            uri = broker.uri();
            assertTrue(uri.startsWith("tcp://127.0.0.1:"), uri);
            try (Transport sub = Transport.mqtt(MqttSettings.builder("sub", uri).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).build());
                 Transport pub = Transport.mqtt(MqttSettings.builder("pub", uri).cleanStart(true)
                         .sessionExpiry(Duration.ZERO).build())) {
                CompletableFuture<byte[]> got = new CompletableFuture<>();
                sub.subscribe("t/+", 1, m -> {
                    got.complete(m.correlationData());
                    sub.ack(m);
                });
                sub.start();
                pub.start();
                pub.publish(Outgoing.builder("t/1", new byte[] {1, 2, 3}).qos(1)
                        .correlationData("c-1".getBytes(StandardCharsets.UTF_8)).build()).get(10, TimeUnit.SECONDS);
                assertArrayEquals("c-1".getBytes(StandardCharsets.UTF_8), got.get(10, TimeUnit.SECONDS),
                        "the MQTT 5 correlation data made it through the broker");
            }
        } finally {
            broker.close();
        }
        broker.close(); // idempotent
        int port = broker.address().getPort();
        boolean refused = false;
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        } catch (java.io.IOException e) {
            refused = true;
        } finally {
            s.close();
        }
        assertTrue(refused, "nothing listens on " + port + " after close");
    }

    /**
     * Why the demo sends its samples with QoS 0 (docs/demo.md): HiveMQ CE sends nothing more to a client
     * while a QoS 1 message to it is unacknowledged, QoS 0 messages included. If this starts failing, a
     * newer HiveMQ lifted the barrier and the demo's samples could go back to QoS 1.
     */
    @Test
    void holdsBackEverythingWhileAQos1MessageIsUnacknowledged() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(home);
             Transport sub = Transport.mqtt(MqttSettings.builder("holder", broker.uri()).cleanStart(true)
                     .sessionExpiry(Duration.ZERO).receiveMaximum(100).build());
             Transport pub = Transport.mqtt(MqttSettings.builder("pub", broker.uri()).cleanStart(true)
                     .sessionExpiry(Duration.ZERO).build())) {
            List<Incoming> held = new CopyOnWriteArrayList<>();
            AtomicInteger qos0 = new AtomicInteger();
            sub.subscribe("held", 1, held::add); // never acknowledged until the end
            sub.subscribe("free", 1, m -> qos0.incrementAndGet());
            sub.start();
            pub.start();
            pub.publish(Outgoing.builder("held", new byte[] {1}).qos(1).build()).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
                pub.publish(Outgoing.builder("free", new byte[] {1}).qos(0).build()).get(10, TimeUnit.SECONDS);
            }
            Thread.sleep(1500);
            assertEquals(1, held.size());
            // Held back: none, or at most one that raced the QoS 1 message (seen once on a loaded machine).
            assertTrue(qos0.get() <= 1, "the unacknowledged message holds the rest back: " + qos0.get() + " passed");
            sub.ack(held.get(0));
            long end = System.nanoTime() + 10_000_000_000L;
            while (qos0.get() < 20 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(20, qos0.get(), "the acknowledgement releases the rest");
        }
    }
}
