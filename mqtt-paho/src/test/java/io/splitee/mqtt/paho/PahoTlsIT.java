package io.splitee.mqtt.paho;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.TlsContract;

/** Mutual TLS ({@link TlsContract}) on {@link PahoTransport}. */
class PahoTlsIT extends TlsContract {
    @Override
    protected MqttSettings.Client client() {
        return MqttSettings.Client.PAHO;
    }
}
