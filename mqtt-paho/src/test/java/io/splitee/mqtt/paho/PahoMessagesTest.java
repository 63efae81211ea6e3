package io.splitee.mqtt.paho;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.TestMessages;
import io.splitee.mqtt.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/** Our messages to Paho's and back. */
class PahoMessagesTest {

    @Test
    void propertiesSurviveTheRoundTripThroughPaho() {
        Outgoing out = TestMessages.full("hello".getBytes(StandardCharsets.UTF_8));
        MqttMessage paho = PahoMessages.toPaho(out, out.payload());
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
        assertEquals(Optional.of(java.time.Duration.ofSeconds(30)), in.messageExpiry());
    }
}
