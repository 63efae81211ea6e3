package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.splitee.gateway.config.GatewayConfig;
import io.splitee.mqtt.MqttSettings;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway's last will says {@code offline} and when the connection it stands for was made
 * ({@code connected_at}), never a {@code time}: the broker publishes it whenever that connection is lost.
 */
class StatusWillTest {
    @Test
    void theWillCarriesTheConnectTimeUnderItsOwnName() throws Exception {
        GatewayConfig c = TestGateways.config("gw-will", "tcp://127.0.0.1:1", Map.of());
        Instant before = Instant.now();
        MqttSettings s = Gateway.mqttSettings(c);
        MqttSettings.Will w = s.will().orElseThrow();
        assertEquals(c.statusTopic(), w.topic());
        assertTrue(w.retained());
        JsonNode n = new ObjectMapper().readTree(w.payload());
        assertEquals("gw-will", n.get("gateway").asText());
        assertEquals("offline", n.get("state").asText());
        assertFalse(n.has("time"), "a will has no time of its own: " + n);
        assertFalse(Instant.parse(n.get("connected_at").asText()).isBefore(before.minusSeconds(1)), n.toString());
        JsonNode online = new ObjectMapper().readTree(Gateway.status(c, "online"));
        assertTrue(online.has("time"), "the published status keeps its time: " + online);
    }
}
