package io.splitee.mqtt.hivemq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.TestMessages;
import io.splitee.mqtt.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Our messages to the HiveMQ client's and back. */
class HiveMqMessagesTest {

    @Test
    void propertiesSurviveTheRoundTripThroughHiveMq() {
        Outgoing out = TestMessages.full("hello".getBytes(StandardCharsets.UTF_8));
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
        assertEquals(Optional.of(java.time.Duration.ofSeconds(30)), in.messageExpiry());

        Incoming plain = HiveMqMessages.toIncoming(HiveMqMessages.toHiveMq(
                Outgoing.builder("a/b", new byte[0]).qos(0).retained(true).build()), 0);
        assertEquals(0, plain.qos());
        assertTrue(plain.retained());
        assertEquals(0, plain.payload().length);
        assertEquals(0, plain.correlationData().length);
        assertEquals(Optional.empty(), plain.contentType());
        assertEquals(List.of(), plain.userProperties());
        assertEquals(Optional.empty(), plain.messageExpiry());
    }
}
