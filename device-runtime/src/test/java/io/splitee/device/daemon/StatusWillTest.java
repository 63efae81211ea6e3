package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.splitee.device.config.DeviceConfig;
import io.splitee.mqtt.MqttSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device's last will says {@code offline} and when the connection it stands for was made
 * ({@code connected_at}), never a {@code time}: the broker publishes it whenever that connection is lost, and
 * the connect time under the name {@code time} read as the time of going offline.
 */
class StatusWillTest {
    @TempDir
    Path temp;

    @Test
    void theWillCarriesTheConnectTimeUnderItsOwnName() throws Exception {
        DeviceConfig c = DeviceConfig.load(null, Map.of(), Map.of("device.id", "cam-will",
                "model.dir", DeviceHarness.MODEL.toString(), "state.dir", temp.toString()));
        MqttSettings.Will w = DeviceDaemon.mqttSettings(c).will().orElseThrow();
        assertEquals(c.statusTopic(), w.topic());
        assertTrue(w.retained());
        JsonNode n = new ObjectMapper().readTree(w.payload());
        assertEquals("cam-will", n.get("device").asText());
        assertEquals("offline", n.get("state").asText());
        assertFalse(n.has("time"), "a will has no time of its own: " + n);
        assertTrue(n.has("connected_at"), n.toString());
        assertTrue(new ObjectMapper().readTree(DeviceDaemon.status(c, "online")).has("time"));
    }
}
