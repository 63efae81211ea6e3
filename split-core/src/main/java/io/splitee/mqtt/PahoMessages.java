package io.splitee.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;

/** Converts between our message records and Paho's, and measures encoded PUBLISH packets. */
final class PahoMessages {
    private PahoMessages() {
    }

    static MqttMessage toPaho(Outgoing m) {
        MqttProperties props = new MqttProperties();
        m.contentType().ifPresent(props::setContentType);
        m.responseTopic().ifPresent(props::setResponseTopic);
        if (m.correlationDataUnsafe().length > 0) {
            props.setCorrelationData(m.correlationDataUnsafe());
        }
        if (!m.userProperties().isEmpty()) {
            List<org.eclipse.paho.mqttv5.common.packet.UserProperty> ups = new ArrayList<>(m.userProperties().size());
            for (UserProperty p : m.userProperties()) {
                ups.add(new org.eclipse.paho.mqttv5.common.packet.UserProperty(p.name(), p.value()));
            }
            props.setUserProperties(ups);
        }
        m.messageExpiry().ifPresent(d -> props.setMessageExpiryInterval(d.getSeconds()));
        return new MqttMessage(m.payloadUnsafe(), m.qos(), m.retained(), props);
    }

    static Incoming toIncoming(String topic, MqttMessage m, long deliveryTag) {
        MqttProperties props = m.getProperties();
        Optional<String> contentType = Optional.empty();
        Optional<String> responseTopic = Optional.empty();
        byte[] correlation = new byte[0];
        List<UserProperty> ups = List.of();
        if (props != null) {
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
                correlation, ups, deliveryTag);
    }

    /**
     * The size in bytes of the PUBLISH packet Paho would put on the wire for this message
     * (fixed header, topic, packet identifier, properties and payload), encoded by Paho itself.
     */
    static int encodedSize(String topic, MqttMessage message) throws MqttException {
        MqttPublish publish = new MqttPublish(topic, message, message.getProperties());
        if (message.getQos() > 0) {
            publish.setMessageId(1);
        }
        return publish.getHeader().length + publish.getPayload().length;
    }
}
