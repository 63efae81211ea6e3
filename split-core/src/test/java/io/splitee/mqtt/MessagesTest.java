package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private static Outgoing full(byte[] payload) {
        return Outgoing.builder("splitee/d1/features", payload)
                .qos(1)
                .contentType("application/x-splitee-features")
                .responseTopic("splitee/d1/result")
                .correlationData(new byte[] {1, 2, 3})
                .userProperty("exit", "3")
                .userProperty("exit", "4")
                .messageExpiry(Duration.ofSeconds(30))
                .build();
    }

    @Test
    void outgoingCopiesArraysInAndOut() {
        byte[] payload = {1, 2, 3};
        Outgoing m = Outgoing.of("a/b", payload, 1);
        payload[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, m.payload());
        m.payload()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, m.payload());
        assertEquals(3, m.payloadBuffer().remaining());
        assertTrue(m.payloadBuffer().isReadOnly());
        assertEquals(m, Outgoing.of("a/b", new byte[] {1, 2, 3}, 1));
    }

    @Test
    void outgoingValidatesByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Outgoing.of("a/+", new byte[0], 1))
                .getMessage().startsWith("topic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Outgoing.of("a", new byte[0], 3))
                .getMessage().startsWith("qos"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Outgoing.of("a", null, 1))
                .getMessage().startsWith("payload"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Outgoing.builder("a", new byte[0]).messageExpiry(Duration.ofMillis(10)).build())
                .getMessage().startsWith("messageExpiry"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Outgoing.builder("a", new byte[0]).responseTopic("r/#").build())
                .getMessage().startsWith("responseTopic"));
    }

    @Test
    void propertiesSurviveTheRoundTripThroughPaho() {
        Outgoing out = full("hello".getBytes(StandardCharsets.UTF_8));
        MqttMessage paho = PahoMessages.toPaho(out);
        paho.setId(42);
        Incoming in = PahoMessages.toIncoming(out.topic(), paho, 7);
        assertEquals(out.topic(), in.topic());
        assertArrayEquals(out.payload(), in.payload());
        assertEquals(1, in.qos());
        assertEquals(Optional.of("application/x-splitee-features"), in.contentType());
        assertEquals(Optional.of("splitee/d1/result"), in.responseTopic());
        assertArrayEquals(new byte[] {1, 2, 3}, in.correlationData());
        assertEquals(List.of(new UserProperty("exit", "3"), new UserProperty("exit", "4")), in.userProperties());
        assertEquals(7, in.deliveryTag());
        assertEquals(30L, paho.getProperties().getMessageExpiryInterval());
    }

    @Test
    void encodedSizeMatchesPahoSerialisation() throws Exception {
        for (int n : new int[] {0, 1, 127, 128, 16_383, 16_384, 100_000}) {
            for (Outgoing out : new Outgoing[] {full(new byte[n]), Outgoing.of("t", new byte[n], 0)}) {
                MqttMessage paho = PahoMessages.toPaho(out);
                MqttPublish p = new MqttPublish(out.topic(), paho, paho.getProperties());
                if (out.qos() > 0) {
                    p.setMessageId(1);
                }
                assertEquals(p.serialize().length, PahoMessages.encodedSize(out.topic(), paho), "payload " + n);
            }
        }
        // a plain QoS 0 packet: 1 type byte + 1 length byte + (2+1) topic bytes + 1 properties-length byte + 4 payload
        assertEquals(10, PahoMessages.encodedSize("t", PahoMessages.toPaho(Outgoing.of("t", new byte[4], 0))));
    }

    @Test
    void publishPacketSizeMatchesPahoSerialisation() throws Exception {
        for (int n : new int[] {0, 1, 100, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152}) {
            Outgoing unicode = Outgoing.builder("splitee/é/features", new byte[n]).qos(1)
                    .userProperty("éß", "✓").responseTopic("r/✓").build();
            for (Outgoing out : new Outgoing[] {full(new byte[n]), Outgoing.of("t", new byte[n], 0), unicode}) {
                MqttMessage paho = PahoMessages.toPaho(out);
                MqttPublish p = new MqttPublish(out.topic(), paho, paho.getProperties());
                if (out.qos() > 0) {
                    p.setMessageId(1);
                }
                assertEquals(p.serialize().length, PublishPacket.encodedSize(out), "payload " + n + ": " + out);
            }
        }
    }

    @Test
    void propertiesSurviveTheRoundTripThroughHiveMq() {
        Outgoing out = full("hello".getBytes(StandardCharsets.UTF_8));
        Mqtt5Publish hive = HiveMqMessages.toHiveMq(out);
        assertEquals(OptionalLong.of(30), hive.getMessageExpiryInterval());
        Incoming in = HiveMqMessages.toIncoming(hive, 7);
        assertEquals(out.topic(), in.topic());
        assertArrayEquals(out.payload(), in.payload());
        assertEquals(1, in.qos());
        assertEquals(false, in.retained());
        assertEquals(Optional.of("application/x-splitee-features"), in.contentType());
        assertEquals(Optional.of("splitee/d1/result"), in.responseTopic());
        assertArrayEquals(new byte[] {1, 2, 3}, in.correlationData());
        assertEquals(List.of(new UserProperty("exit", "3"), new UserProperty("exit", "4")), in.userProperties());
        assertEquals(7, in.deliveryTag());

        Incoming plain = HiveMqMessages.toIncoming(HiveMqMessages.toHiveMq(
                Outgoing.builder("a/b", new byte[0]).qos(0).retained(true).build()), 0);
        assertEquals(0, plain.qos());
        assertTrue(plain.retained());
        assertEquals(0, plain.payload().length);
        assertEquals(0, plain.correlationData().length);
        assertEquals(Optional.empty(), plain.contentType());
        assertEquals(List.of(), plain.userProperties());
    }

    @Test
    void incomingIsDefensive() {
        byte[] payload = {5};
        Incoming in = new Incoming("a", payload, 1, false, false, Optional.empty(), Optional.empty(), new byte[0],
                List.of(), 0);
        payload[0] = 6;
        assertArrayEquals(new byte[] {5}, in.payload());
        in.payload()[0] = 7;
        assertArrayEquals(new byte[] {5}, in.payload());
        assertThrows(IllegalArgumentException.class, () -> new Incoming("a", payload, 3, false, false,
                Optional.empty(), Optional.empty(), new byte[0], List.of(), 0));
    }
}
