package io.splitee.mqtt.hivemq;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.spi.TransportProvider;

/**
 * {@code mqtt.client=hivemq}: the {@link Transport} on the HiveMQ MQTT client 1.3. Loading this class loads
 * nothing of the client; {@link #create} does.
 */
public final class HiveMqTransportProvider implements TransportProvider {
    /** Loads the HiveMQ client's classes (a missing client fails here, as a {@link LinkageError}). */
    @Override
    public Transport create(MqttSettings settings) {
        return new HiveMqTransport(settings);
    }

    @Override
    public String name() {
        return "hivemq";
    }
}
