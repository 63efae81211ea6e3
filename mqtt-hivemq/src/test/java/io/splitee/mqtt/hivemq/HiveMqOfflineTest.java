package io.splitee.mqtt.hivemq;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.OfflineContract;

/** {@link OfflineContract} on {@link HiveMqTransport}, found by {@link io.splitee.mqtt.Transport#mqtt}. */
class HiveMqOfflineTest extends OfflineContract {
    HiveMqOfflineTest() {
        super(MqttSettings.Client.HIVEMQ, "HiveMqTransport");
    }
}
