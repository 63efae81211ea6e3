package io.splitee.mqtt.paho;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.OfflineContract;

/** {@link OfflineContract} on {@link PahoTransport}, found by {@link io.splitee.mqtt.Transport#mqtt}. */
class PahoOfflineTest extends OfflineContract {
    @Override
    protected MqttSettings.Client client() {
        return MqttSettings.Client.PAHO;
    }

    @Override
    protected String transportClass() {
        return "PahoTransport";
    }
}
