package io.splitee.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.config.ConfigException;
import io.splitee.config.ExampleFile;
import io.splitee.mqtt.MqttSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's keys; the mechanism (layering, parsing, messages) and the mqtt.* keys are tested in split-core. */
class GatewayConfigTest {
    private static final Path EXAMPLE = Path.of("splitee-gateway.example.properties");

    @Test
    void exampleFileListsExactlyTheKnownKeysAndLoads() throws Exception {
        ExampleFile.assertListsExactly(EXAMPLE, GatewayConfig.keys());
        assertEquals(ConfigLoader.DEFAULTS.keys(), GatewayConfig.keys());
        GatewayConfig c = GatewayConfig.load(EXAMPLE, Map.of(), Map.of());
        assertEquals("gw1", c.gatewayId());
        assertEquals("splitee-gateway-gw1", c.clientId());
        assertEquals("$share/gateways/splitee/+/features", c.subscription());
        assertEquals(Duration.ofSeconds(5), c.mqtt().sessionExpiry());
        assertEquals(64, c.mqtt().maxInFlight());
        assertEquals(MqttSettings.Client.HIVEMQ, c.mqtt().client(), "the gateway carries the HiveMQ client");
        assertEquals(MqttSettings.Client.PAHO, GatewayConfig.load(EXAMPLE, Map.of(), Map.of("mqtt.client", "paho"))
                .mqtt().client());
        assertEquals(65_535, c.receiveMaximum());
        assertEquals(MqttSettings.Client.HIVEMQ, GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "g",
                "models", "/m")).mqtt().client(), "the built-in default, not only the example file's");
        assertEquals(List.of(Path.of("/usr/share/splitee/models/fmnist-resnet12")), c.models());
        assertEquals(16, c.batch().maxSize());
        assertEquals(Duration.ofMillis(2), c.batch().maxWait());
    }

    @Test
    void exampleValuesAreTheDefaults() throws Exception {
        ExampleFile.assertShowsTheDefaults(EXAMPLE, GatewayConfig.keys());
    }

    @Test
    void everyExampleKeyIsDocumentedByACommentAndTheDocsTableIsTheDefinitions() throws Exception {
        ExampleFile.assertEveryKeyIsDocumented(EXAMPLE);
        ExampleFile.assertKeyTable(Path.of("../docs/gateway.md"), GatewayConfig.keys());
    }

    @Test
    void theBuilderMakesWhatTheLoaderMakes() throws Exception {
        GatewayConfig loaded = GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "gw.1", "models", "/m",
                "workers", "3", "batch.max-size", "8", "mqtt.session-expiry", "0s"));
        GatewayConfig built = GatewayConfig.builder("gw.1", List.of(Path.of("/m"))).workers(3)
                .batch(new GatewayConfig.Batch(8, Duration.ofMillis(2)))
                .mqtt(GatewayConfig.mqttDefaults().sessionExpiry(Duration.ZERO).build()).build();
        assertEquals(loaded, built);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayConfig.builder("g", List.of(Path.of("/m")))
                .workers(0).build()).getMessage().startsWith("workers:"));
    }

    @Test
    void aBatchWaitWithoutBatchingIsRefusedWhenSet() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(null, Map.of(), Map.of(
                "gateway.id", "g", "models", "/m", "batch.max-size", "1", "batch.max-wait", "5ms")));
        assertEquals("batch.max-wait", e.key());
        assertTrue(e.getMessage().startsWith("batch.max-wait: set (from command line) but batch.max-size is 1"),
                e.getMessage());
        assertEquals(1, GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "g", "models", "/m",
                "batch.max-size", "1")).batch().maxSize());
    }

    @Test
    void precedenceIsCommandLineOverEnvironmentOverFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.properties");
        Files.writeString(f, "gateway.id=fromfile\nmodels=/m\nworkers=3\nqueue.size=5\n");
        GatewayConfig c = GatewayConfig.load(f, Map.of("SPLITEE_GW_WORKERS", "4", "SPLITEE_GW_QUEUE_SIZE", "6",
                "SPLITEE_GW_MQTT_RECEIVE_MAXIMUM", "99"), Map.of("queue.size", "7"));
        assertEquals("fromfile", c.gatewayId());
        assertEquals(4, c.workers());
        assertEquals(7, c.queueSize());
        assertEquals(99, c.receiveMaximum());
        assertEquals("SPLITEE_GW_BATCH_MAX_WAIT", ConfigLoader.DEFAULTS.envName("batch.max-wait"));
    }

    @Test
    void modelsIsACommaSeparatedList() throws Exception {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "g", "models", " /a , /b/c "));
        assertEquals(List.of(Path.of("/a"), Path.of("/b/c")), c.models());
        assertTrue(failure(Map.of("models", "/a,,/b")).startsWith("models:"));
        assertTrue(failure(Map.of("models", "/a,/a")).contains("listed twice"));
    }

    @Test
    void sharedGroupShapesTheSubscription() throws Exception {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "g", "models", "/m",
                "mqtt.shared-group", "edge-pool.1"));
        assertEquals("$share/edge-pool.1/splitee/+/features", c.subscription());
        assertTrue(failure(Map.of("mqtt.shared-group", "a/b")).startsWith("mqtt.shared-group:"));
        assertTrue(failure(Map.of("mqtt.shared-group", "#")).startsWith("mqtt.shared-group:"));
    }

    private static String failure(Map<String, String> overrides) {
        Map<String, String> base = new HashMap<>(Map.of("gateway.id", "g1", "models", "/m"));
        base.putAll(overrides);
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(null, Map.of(), base));
        return e.getMessage();
    }

    @Test
    void invalidValuesNameTheKey() {
        String[][] cases = {{"workers", "0"}, {"queue.size", "-1"}, {"batch.max-size", "0"}, {"batch.max-wait", "soon"},
            {"mqtt.receive-maximum", "70000"}, {"metrics.port", "70000"}, {"frame.max-bytes", "12"},
            {"metrics.bind", "localhost"}, {"metrics.bind", "256.0.0.1"}, {"metrics.bind", "::g"},
            {"shutdown.grace", "0s"}, {"runtime.intra-op-threads", "many"}, {"gateway.id", "bad id"},
            {"mqtt.uri", "http://x:1"}};
        for (String[] c : cases) {
            String msg = failure(Map.of(c[0], c[1]));
            assertTrue(msg.startsWith(c[0] + ":"), "message should name " + c[0] + ": " + msg);
        }
    }

    @Test
    void batchWaitAboveTenSecondsIsRefused() {
        assertTrue(failure(Map.of("batch.max-wait", "11s")).startsWith("batch.max-wait:"));
    }

    @Test
    void missingRequiredAndUnknownKeys() {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> GatewayConfig.load(null, Map.of(), Map.of("models", "/m")));
        assertEquals("gateway.id", missing.key());
        assertTrue(missing.getMessage().contains("SPLITEE_GW_GATEWAY_ID"), missing.getMessage());
        ConfigException noModels = assertThrows(ConfigException.class,
                () -> GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "g")));
        assertEquals("models", noModels.key());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "g", "models", "/m", "worker", "2")));
        assertEquals("worker", unknown.key());
        assertTrue(unknown.getMessage().contains("unknown key")
                && unknown.getMessage().contains("offload-gateway/splitee-gateway.example.properties"), unknown.getMessage());
    }
}
