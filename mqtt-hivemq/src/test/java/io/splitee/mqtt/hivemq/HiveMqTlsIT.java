package io.splitee.mqtt.hivemq;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.TlsContract;

/** Mutual TLS ({@link TlsContract}) on {@link HiveMqTransport}. */
class HiveMqTlsIT extends TlsContract {
    HiveMqTlsIT() {
        super(MqttSettings.Client.HIVEMQ);
    }
}
