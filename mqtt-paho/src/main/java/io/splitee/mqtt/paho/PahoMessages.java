package io.splitee.mqtt.paho;

import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.UserProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** Converts between our message records and Paho's. */
final class PahoMessages {
    private PahoMessages() {
    }

    /** The message for {@code m}, whose payload array ({@code payload}) it takes as it is. */
    static MqttMessage toPaho(Outgoing m, byte[] payload) {
        MqttProperties props = new MqttProperties();
        m.contentType().ifPresent(props::setContentType);
        m.responseTopic().ifPresent(props::setResponseTopic);
        byte[] correlation = m.correlationData();
        if (correlation.length > 0) {
            props.setCorrelationData(correlation);
        }
        if (!m.userProperties().isEmpty()) {
            List<org.eclipse.paho.mqttv5.common.packet.UserProperty> ups = new ArrayList<>(m.userProperties().size());
            for (UserProperty p : m.userProperties()) {
                ups.add(new org.eclipse.paho.mqttv5.common.packet.UserProperty(p.name(), p.value()));
            }
            props.setUserProperties(ups);
        }
        m.messageExpiry().ifPresent(d -> props.setMessageExpiryInterval(d.getSeconds()));
        return new MqttMessage(payload, m.qos(), m.retained(), props);
    }

    static Incoming toIncoming(String topic, MqttMessage m, long deliveryTag) {
        MqttProperties props = m.getProperties();
        Optional<String> contentType = Optional.empty();
        Optional<String> responseTopic = Optional.empty();
        byte[] correlation = new byte[0];
        List<UserProperty> ups = List.of();
        Optional<Duration> expiry = Optional.empty();
        if (props != null) {
            if (props.getMessageExpiryInterval() != null) {
                expiry = Optional.of(Duration.ofSeconds(props.getMessageExpiryInterval()));
            }
            contentType = Optional.ofNullable(props.getContentType());
            responseTopic = Optional.ofNullable(props.getResponseTopic());
            if (props.getCorrelationData() != null) {
                correlation = props.getCorrelationData();
            }
            List<org.eclipse.paho.mqttv5.common.packet.UserProperty> raw = props.getUserProperties();
            if (raw != null && !raw.isEmpty()) {
                List<UserProperty> list = new ArrayList<>(raw.size());
                for (org.eclipse.paho.mqttv5.common.packet.UserProperty p : raw) {
                    list.add(new UserProperty(p.getKey(), p.getValue()));
                }
                ups = list;
            }
        }
        byte[] payload = m.getPayload() == null ? new byte[0] : m.getPayload();
        return new Incoming(topic, payload, m.getQos(), m.isRetained(), m.isDuplicate(), contentType, responseTopic,
                correlation, ups, deliveryTag, expiry);
    }
}
