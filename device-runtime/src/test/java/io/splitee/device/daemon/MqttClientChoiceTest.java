package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import org.junit.jupiter.api.Test;

/**
 * The device ships Paho only: the HiveMQ MQTT client is an optional dependency of split-core that this
 * module does not declare, so {@code mqtt.client=hivemq} is refused with a clear message (the daemon turns
 * it into a startup error) instead of a NoClassDefFoundError.
 */
class MqttClientChoiceTest {
    private static MqttSettings.Builder settings() {
        return MqttSettings.builder("dev-1", "tcp://127.0.0.1:1");
    }

    @Test
    void hiveMqIsNotOnTheDeviceClassPathAndIsRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Transport.mqtt(settings().client(MqttSettings.Client.HIVEMQ).build()));
        assertTrue(e.getMessage().startsWith("mqtt.client=hivemq needs the HiveMQ MQTT client on the class path; "
                + "the device jar ships Paho only"), e.getMessage());
    }

    @Test
    void pahoIsTheDefault() {
        try (Transport t = Transport.mqtt(settings().build())) {
            assertEquals(MqttSettings.Client.PAHO, settings().build().client());
            assertEquals("PahoTransport", t.getClass().getSimpleName());
        }
    }
}
