package io.splitee.mqtt.hivemq;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.OfflineContract;

/** {@link OfflineContract} on {@link HiveMqTransport}, found by {@link io.splitee.mqtt.Transport#mqtt}. */
class HiveMqOfflineTest extends OfflineContract {
    @Override
    protected MqttSettings.Client client() {
        return MqttSettings.Client.HIVEMQ;
    }

    @Override
    protected String transportClass() {
        return "HiveMqTransport";
    }
}
