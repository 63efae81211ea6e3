package io.splitee.mqtt;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to publish. Arrays are copied in and out, so a caller may reuse its buffers.
 *
 * @param topic           topic name (no wildcards)
 * @param payload         the bytes to send (may be empty)
 * @param qos             0, 1 or 2
 * @param retained        whether the broker retains it
 * @param contentType     MQTT 5 content type, e.g. {@code application/x-splitee-features}
 * @param responseTopic   MQTT 5 response topic for request/response
 * @param correlationData MQTT 5 correlation data; an empty array means none is sent
 * @param userProperties  MQTT 5 user properties, in order
 * @param messageExpiry   MQTT 5 message expiry interval (whole seconds, at least 1 s)
 */
public record Outgoing(
        String topic,
        byte[] payload,
        int qos,
        boolean retained,
        Optional<String> contentType,
        Optional<String> responseTopic,
        byte[] correlationData,
        List<UserProperty> userProperties,
        Optional<Duration> messageExpiry) {

    /** Validates and copies. */
    public Outgoing {
        TopicFilter.validateTopicName(topic, "topic");
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null (use an empty array)");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, got " + qos);
        }
        if (contentType == null) {
            throw new IllegalArgumentException("contentType must not be null (use Optional.empty())");
        }
        if (responseTopic == null) {
            throw new IllegalArgumentException("responseTopic must not be null (use Optional.empty())");
        }
        responseTopic.ifPresent(t -> TopicFilter.validateTopicName(t, "responseTopic"));
        if (correlationData == null) {
            throw new IllegalArgumentException("correlationData must not be null (use an empty array)");
        }
        if (userProperties == null) {
            throw new IllegalArgumentException("userProperties must not be null (use List.of())");
        }
        if (messageExpiry == null) {
            throw new IllegalArgumentException("messageExpiry must not be null (use Optional.empty())");
        }
        messageExpiry.ifPresent(d -> {
            if (d.getSeconds() < 1 || d.getSeconds() > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("messageExpiry must be 1 s..4294967295 s, got " + d);
            }
        });
        payload = payload.clone();
        correlationData = correlationData.clone();
        userProperties = List.copyOf(userProperties);
    }

    /** A plain message without MQTT 5 properties. */
    public static Outgoing of(String topic, byte[] payload, int qos) {
        return builder(topic, payload).qos(qos).build();
    }

    /** Starts a builder: QoS 1, not retained, no properties. */
    public static Builder builder(String topic, byte[] payload) {
        return new Builder(topic, payload);
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

    /** Payload bytes without copying, for this package only. */
    byte[] payloadUnsafe() {
        return payload;
    }

    /** Correlation data without copying, for this package only. */
    byte[] correlationDataUnsafe() {
        return correlationData;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Outgoing m && m.topic.equals(topic) && Arrays.equals(m.payload, payload)
                && m.qos == qos && m.retained == retained && m.contentType.equals(contentType)
                && m.responseTopic.equals(responseTopic) && Arrays.equals(m.correlationData, correlationData)
                && m.userProperties.equals(userProperties) && m.messageExpiry.equals(messageExpiry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retained, contentType, responseTopic,
                Arrays.hashCode(correlationData), userProperties, messageExpiry);
    }

    @Override
    public String toString() {
        return "Outgoing[topic=" + topic + ", payload=" + payload.length + " bytes, qos=" + qos
                + ", retained=" + retained + ", contentType=" + contentType.orElse("-")
                + ", responseTopic=" + responseTopic.orElse("-") + ", correlationData=" + correlationData.length
                + " bytes, userProperties=" + userProperties + ", messageExpiry="
                + messageExpiry.map(Duration::toString).orElse("-") + "]";
    }

    /** Fluent construction of an {@link Outgoing}. */
    public static final class Builder {
        private final String topic;
        private final byte[] payload;
        private int qos = 1;
        private boolean retained;
        private String contentType;
        private String responseTopic;
        private byte[] correlationData = new byte[0];
        private final List<UserProperty> userProperties = new ArrayList<>();
        private Duration messageExpiry;

        private Builder(String topic, byte[] payload) {
            this.topic = topic;
            this.payload = payload;
        }

        /** 0, 1 or 2 (default 1). */
        public Builder qos(int v) { this.qos = v; return this; }
        /** Whether the broker retains it (default false). */
        public Builder retained(boolean v) { this.retained = v; return this; }
        /** MQTT 5 content type. */
        public Builder contentType(String v) { this.contentType = v; return this; }
        /** MQTT 5 response topic. */
        public Builder responseTopic(String v) { this.responseTopic = v; return this; }
        /** MQTT 5 correlation data (copied). */
        public Builder correlationData(byte[] v) { this.correlationData = v == null ? null : v.clone(); return this; }
        /** Appends one MQTT 5 user property. */
        public Builder userProperty(String name, String value) {
            this.userProperties.add(new UserProperty(name, value));
            return this;
        }
        /** MQTT 5 message expiry interval. */
        public Builder messageExpiry(Duration v) { this.messageExpiry = v; return this; }

        /** Validates and builds. */
        public Outgoing build() {
            return new Outgoing(topic, payload, qos, retained, Optional.ofNullable(contentType),
                    Optional.ofNullable(responseTopic), correlationData, userProperties,
                    Optional.ofNullable(messageExpiry));
        }
    }
}
