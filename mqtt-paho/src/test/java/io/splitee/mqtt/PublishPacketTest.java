package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.junit.jupiter.api.Test;

/**
 * The size {@link TransportBase} checks against the packet limits ({@link PublishPacket}) is what Paho itself
 * serialises. Here because it needs Paho; in split-core's package because PublishPacket is package-private.
 */
class PublishPacketTest {

    /** The PUBLISH Paho would send for {@code m}. */
    private static MqttMessage toPaho(Outgoing m) {
        MqttProperties props = new MqttProperties();
        m.contentType().ifPresent(props::setContentType);
        m.responseTopic().ifPresent(props::setResponseTopic);
        if (m.correlationData().length > 0) {
            props.setCorrelationData(m.correlationData());
        }
        if (!m.userProperties().isEmpty()) {
            props.setUserProperties(m.userProperties().stream()
                    .map(p -> new org.eclipse.paho.mqttv5.common.packet.UserProperty(p.name(), p.value())).toList());
        }
        m.messageExpiry().ifPresent(d -> props.setMessageExpiryInterval(d.getSeconds()));
        return new MqttMessage(m.payload(), m.qos(), m.retained(), props);
    }

    @Test
    void publishPacketSizeMatchesPahoSerialisation() throws Exception {
        for (int n : new int[] {0, 1, 100, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152}) {
            Outgoing unicode = Outgoing.builder("splitee/é/features", new byte[n]).qos(1)
                    .userProperty("éß", "✓").responseTopic("r/✓").build();
            for (Outgoing out : new Outgoing[] {TestMessages.full(new byte[n]), Outgoing.of("t", new byte[n], 0), unicode}) {
                MqttMessage paho = toPaho(out);
                MqttPublish p = new MqttPublish(out.topic(), paho, paho.getProperties());
                if (out.qos() > 0) {
                    p.setMessageId(1);
                }
                assertEquals(p.serialize().length, PublishPacket.encodedSize(out), "payload " + n + ": " + out);
            }
        }
        // a plain QoS 0 packet: 1 type byte + 1 length byte + (2+1) topic bytes + 1 properties-length byte + 4 payload
        assertEquals(10, PublishPacket.encodedSize(Outgoing.of("t", new byte[4], 0)));
    }
}
