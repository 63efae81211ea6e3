package io.splitee.demo.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerIT {
    @TempDir
    Path home;

    @Test
    void carriesAnMqtt5MessageWithPropertiesAndStopsListeningWhenClosed() throws Exception {
        String uri;
        try (EmbeddedBroker broker = EmbeddedBroker.start(home)) {
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
            broker.close();
            broker.close(); // idempotent
            int port = broker.address().getPort();
            boolean refused;
            try (Socket s = new Socket("127.0.0.1", port)) {
                refused = false;
            } catch (java.io.IOException e) {
                refused = true;
            }
            assertTrue(refused, "nothing listens on " + port + " after close");
        }
    }
}
