package io.splitee.mqtt;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message received on a subscription. Acknowledge QoS 1/2 messages with
 * {@link Transport#ack(Incoming)} once they are safely handled: until then the broker keeps them
 * and redelivers them when the session resumes.
 *
 * @param topic           the topic it was published on
 * @param payload         its bytes (copied in and out; see {@link #payloadBuffer()} for a view)
 * @param qos             the QoS it was delivered with
 * @param retained        whether it is a retained message
 * @param duplicate       the MQTT DUP flag: the broker may have delivered it before. Neither client
 *                        library passes the flag on (Paho mqttv5 1.2.5 reads it and drops it, the
 *                        HiveMQ client 1.3 does not expose it), so messages from
 *                        {@link Transport#mqtt} always say false here; handle QoS 1 messages
 *                        idempotently in any case (at-least-once delivery)
 * @param contentType     MQTT 5 content type
 * @param responseTopic   MQTT 5 response topic
 * @param correlationData MQTT 5 correlation data (empty if none)
 * @param userProperties  MQTT 5 user properties, in order
 * @param deliveryTag     opaque tag that {@link Transport#ack} uses; 0 for QoS 0 messages and
 *                        for messages not made by a transport
 * @param messageExpiry   MQTT 5 message expiry interval as received: what was left of the publisher's interval
 *                        when the broker sent it (whole seconds; the broker deducts the time it held the message
 *                        and drops it once that runs out). Empty if the publisher set none
 */
public record Incoming(
        String topic,
        byte[] payload,
        int qos,
        boolean retained,
        boolean duplicate,
        Optional<String> contentType,
        Optional<String> responseTopic,
        byte[] correlationData,
        List<UserProperty> userProperties,
        long deliveryTag,
        Optional<Duration> messageExpiry) {

    /** Without a message expiry interval. */
    public Incoming(String topic, byte[] payload, int qos, boolean retained, boolean duplicate,
                    Optional<String> contentType, Optional<String> responseTopic, byte[] correlationData,
                    List<UserProperty> userProperties, long deliveryTag) {
        this(topic, payload, qos, retained, duplicate, contentType, responseTopic, correlationData, userProperties,
                deliveryTag, Optional.empty());
    }

    /** Validates and copies. */
    public Incoming {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be null or empty");
        }
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, got " + qos);
        }
        if (contentType == null || responseTopic == null) {
            throw new IllegalArgumentException("contentType and responseTopic must not be null (use Optional.empty())");
        }
        if (correlationData == null) {
            throw new IllegalArgumentException("correlationData must not be null (use an empty array)");
        }
        if (userProperties == null) {
            throw new IllegalArgumentException("userProperties must not be null");
        }
        if (messageExpiry == null) {
            throw new IllegalArgumentException("messageExpiry must not be null (use Optional.empty())");
        }
        if (messageExpiry.isPresent() && messageExpiry.get().isNegative()) {
            throw new IllegalArgumentException("messageExpiry must not be negative, got " + messageExpiry.get());
        }
        payload = payload.clone();
        correlationData = correlationData.clone();
        userProperties = List.copyOf(userProperties);
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** A read-only view of the payload, without copying. */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    /** A copy of the correlation data (empty if none). */
    @Override
    public byte[] correlationData() {
        return correlationData.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Incoming m && m.topic.equals(topic) && Arrays.equals(m.payload, payload)
                && m.qos == qos && m.retained == retained && m.duplicate == duplicate
                && m.contentType.equals(contentType) && m.responseTopic.equals(responseTopic)
                && Arrays.equals(m.correlationData, correlationData) && m.userProperties.equals(userProperties)
                && m.deliveryTag == deliveryTag && m.messageExpiry.equals(messageExpiry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retained, duplicate, contentType, responseTopic,
                Arrays.hashCode(correlationData), userProperties, deliveryTag, messageExpiry);
    }

    @Override
    public String toString() {
        return "Incoming[topic=" + topic + ", payload=" + payload.length + " bytes, qos=" + qos
                + ", retained=" + retained + ", duplicate=" + duplicate + ", contentType=" + contentType.orElse("-")
                + ", responseTopic=" + responseTopic.orElse("-") + ", correlationData=" + correlationData.length
                + " bytes, userProperties=" + userProperties + ", deliveryTag=" + deliveryTag + ", messageExpiry="
                + messageExpiry.map(Duration::toString).orElse("-") + "]";
    }
}
