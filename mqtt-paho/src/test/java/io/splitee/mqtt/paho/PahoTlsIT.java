package io.splitee.mqtt.paho;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.TlsContract;

/** Mutual TLS ({@link TlsContract}) on {@link PahoTransport}. */
class PahoTlsIT extends TlsContract {
    PahoTlsIT() {
        super(MqttSettings.Client.PAHO);
    }
}
