package io.splitee.mqtt.hivemq;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.UserProperty;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Converts between our message records and the HiveMQ client's. */
final class HiveMqMessages {
    private static final byte[] NONE = new byte[0];

    private HiveMqMessages() {
    }

    /** The PUBLISH for {@code m}; the payload is wrapped, not copied (an {@link Outgoing} never changes). */
    static Mqtt5Publish toHiveMq(Outgoing m) {
        Mqtt5PublishBuilder.Complete b = Mqtt5Publish.builder()
                .topic(m.topic())
                .qos(qos(m.qos()))
                .retain(m.retained())
                .payload(m.payloadBuffer());
        m.contentType().ifPresent(b::contentType);
        m.responseTopic().ifPresent(b::responseTopic);
        byte[] correlation = m.correlationData();
        if (correlation.length > 0) {
            b.correlationData(ByteBuffer.wrap(correlation).asReadOnlyBuffer());
        }
        if (!m.userProperties().isEmpty()) {
            List<Mqtt5UserProperty> ups = new ArrayList<>(m.userProperties().size());
            for (UserProperty p : m.userProperties()) {
                ups.add(Mqtt5UserProperty.of(p.name(), p.value()));
            }
            b.userProperties(Mqtt5UserProperties.of(ups));
        }
        m.messageExpiry().ifPresent(d -> b.messageExpiryInterval(d.getSeconds()));
        return b.build();
    }

    /**
     * The message as our record. The HiveMQ client does not expose the DUP flag, so {@code duplicate} is
     * always false (as with Paho 1.2.5).
     */
    static Incoming toIncoming(Mqtt5Publish p, long deliveryTag) {
        byte[] correlation = p.getCorrelationData().map(HiveMqMessages::bytes).orElse(NONE);
        List<? extends Mqtt5UserProperty> raw = p.getUserProperties().asList();
        List<UserProperty> ups = List.of();
        if (!raw.isEmpty()) {
            List<UserProperty> list = new ArrayList<>(raw.size());
            for (Mqtt5UserProperty up : raw) {
                list.add(new UserProperty(up.getName().toString(), up.getValue().toString()));
            }
            ups = list;
        }
        return new Incoming(p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode(), p.isRetain(),
                false, p.getContentType().map(Object::toString), p.getResponseTopic().map(Object::toString),
                correlation, ups, deliveryTag, p.getMessageExpiryInterval().isPresent()
                        ? Optional.of(Duration.ofSeconds(p.getMessageExpiryInterval().getAsLong())) : Optional.empty());
    }

    static MqttQos qos(int code) {
        MqttQos q = MqttQos.fromCode(code);
        if (q == null) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, got " + code);
        }
        return q;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
