package io.splitee.mqtt.paho;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.OfflineContract;

/** {@link OfflineContract} on {@link PahoTransport}, found by {@link io.splitee.mqtt.Transport#mqtt}. */
class PahoOfflineTest extends OfflineContract {
    PahoOfflineTest() {
        super(MqttSettings.Client.PAHO, "PahoTransport");
    }
}
