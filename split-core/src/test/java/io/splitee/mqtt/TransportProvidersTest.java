package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** split-core carries no MQTT client: without an adapter module on the class path, mqtt() says which is missing. */
class TransportProvidersTest {
    private static String refusal(MqttSettings.Client client) {
        return assertThrows(IllegalArgumentException.class, () -> Transport.mqtt(
                MqttSettings.builder("c", "tcp://127.0.0.1:1").client(client).build())).getMessage();
    }

    @Test
    void aMissingClientIsRefusedInOneLineNamingTheKeyAndTheModule() {
        String hivemq = refusal(MqttSettings.Client.HIVEMQ);
        assertTrue(hivemq.startsWith("mqtt.client=hivemq needs the HiveMQ MQTT client on the class path; "
                + "the device jar ships Paho only"), hivemq);
        assertTrue(hivemq.contains("io.splitee:mqtt-hivemq"), hivemq);
        String paho = refusal(MqttSettings.Client.PAHO);
        assertTrue(paho.startsWith("mqtt.client=paho needs Eclipse Paho on the class path"), paho);
        assertTrue(paho.contains("io.splitee:mqtt-paho"), paho);
        assertFalse(paho.contains("\n") || hivemq.contains("\n"));
    }
}
