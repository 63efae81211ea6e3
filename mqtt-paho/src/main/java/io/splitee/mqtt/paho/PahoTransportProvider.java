package io.splitee.mqtt.paho;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.spi.TransportProvider;

/** {@code mqtt.client=paho}: the {@link Transport} on Eclipse Paho mqttv5 1.2.5. */
public final class PahoTransportProvider implements TransportProvider {
    @Override
    public String name() {
        return "paho";
    }

    @Override
    public Transport create(MqttSettings settings) {
        return new PahoTransport(settings);
    }
}
