package io.splitee.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {
    private static final Path EXAMPLE = Path.of("splitee-gateway.example.properties");

    @Test
    void exampleFileListsExactlyTheKnownKeysAndLoads() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(EXAMPLE)) {
            p.load(r);
        }
        assertEquals(new TreeSet<>(ConfigLoader.KEYS.keySet()), new TreeSet<>(p.stringPropertyNames()),
                "the example file and the loader must know the same keys");
        GatewayConfig c = GatewayConfig.load(EXAMPLE, Map.of(), Map.of());
        assertEquals("gw1", c.gatewayId());
        assertEquals("splitee-gateway-gw1", c.clientId());
        assertEquals("$share/gateways/splitee/+/features", c.subscription());
        assertEquals(Duration.ofMinutes(5), c.mqtt().sessionExpiry());
        assertEquals(List.of(Path.of("/usr/share/splitee/models/fmnist-resnet12")), c.models());
        assertEquals(16, c.batch().maxSize());
        assertEquals(Duration.ofMillis(2), c.batch().maxWait());
    }

    @Test
    void exampleValuesAreTheDefaults() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(EXAMPLE)) {
            p.load(r);
        }
        for (Map.Entry<String, String> e : ConfigLoader.KEYS.entrySet()) {
            if (e.getValue() != null) {
                assertEquals(e.getValue(), p.getProperty(e.getKey()), "example value of " + e.getKey()
                        + " should show the default");
            }
        }
    }

    @Test
    void everyExampleKeyIsDocumentedByAComment() throws IOException {
        String[] lines = Files.readString(EXAMPLE).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (!l.isBlank() && !l.startsWith("#")) {
                String key = l.substring(0, l.indexOf('='));
                int j = i - 1; // a comment above the key, or above a group of keys sharing it
                while (j >= 0 && !lines[j].isBlank() && !lines[j].startsWith("#")) {
                    j--;
                }
                assertTrue(j >= 0 && lines[j].startsWith("#"), "key " + key + " has no comment above it");
            }
        }
    }

    @Test
    void precedenceIsCommandLineOverEnvironmentOverFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("g.properties");
        Files.writeString(f, "gateway.id=fromfile\nmodels=/m\nworkers=3\nqueue.size=5\n");
        GatewayConfig c = GatewayConfig.load(f, Map.of("SPLITEE_GW_WORKERS", "4", "SPLITEE_GW_QUEUE_SIZE", "6"),
                Map.of("queue.size", "7"));
        assertEquals("fromfile", c.gatewayId());
        assertEquals(4, c.workers());
        assertEquals(7, c.queueSize());
    }

    @Test
    void envNamesFollowTheRule() {
        assertEquals("SPLITEE_GW_MQTT_SHARED_GROUP", ConfigLoader.envName("mqtt.shared-group"));
        assertEquals("SPLITEE_GW_BATCH_MAX_WAIT", ConfigLoader.envName("batch.max-wait"));
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
        Map<String, String> cases = new HashMap<>();
        cases.put("workers", "0");
        cases.put("queue.size", "-1");
        cases.put("batch.max-size", "0");
        cases.put("batch.max-wait", "soon");
        cases.put("mqtt.uri", "http://x:1");
        cases.put("mqtt.session-expiry", "-5s");
        cases.put("mqtt.receive-maximum", "70000");
        cases.put("metrics.port", "70000");
        cases.put("frame.max-bytes", "12");
        cases.put("shutdown.grace", "0s");
        cases.put("runtime.intra-op-threads", "many");
        cases.put("gateway.id", "bad id");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String msg = failure(Map.of(c.getKey(), c.getValue()));
            assertTrue(msg.startsWith(c.getKey() + ":"), "message should name " + c.getKey() + ": " + msg);
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
        assertTrue(unknown.getMessage().contains("unknown key"));
    }

    @Test
    void tlsNeedsSslAndPairs() {
        assertTrue(failure(Map.of("mqtt.tls.ca", "/ca.pem")).contains("not ssl://"));
        assertTrue(failure(Map.of("mqtt.uri", "ssl://h:8883", "mqtt.tls.cert", "/c.pem")).contains("both or neither"));
        assertTrue(failure(Map.of("mqtt.password", "x")).startsWith("mqtt.password:"));
    }

    @Test
    void unreadableFileIsReported(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayConfig.load(dir.resolve("nope.properties"), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("nope.properties"));
    }

    @Test
    void passwordIsNotPrinted() throws Exception {
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "g", "models", "/m",
                "mqtt.username", "u", "mqtt.password", "s3cret"));
        assertFalse(c.toString().contains("s3cret"));
    }

    @Test
    void passwordFileIsRead(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "fromfile\n");
        GatewayConfig c = GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "g", "models", "/m",
                "mqtt.username", "u", "mqtt.password-file", pw.toString()));
        assertEquals("fromfile", c.mqtt().password().orElseThrow());
        assertTrue(failure(Map.of("mqtt.username", "u", "mqtt.password-file", dir.resolve("none").toString()))
                .startsWith("mqtt.password-file:"));
    }

    @Test
    void durationsInBothSpellings() {
        assertEquals(Duration.ofMillis(500), ConfigLoader.parseDuration("500ms"));
        assertEquals(Duration.ofMillis(1500), ConfigLoader.parseDuration("1.5s"));
        assertEquals(Duration.ofMinutes(5), ConfigLoader.parseDuration("5m"));
        assertEquals(Duration.ofMillis(500), ConfigLoader.parseDuration("PT0.5S"));
        assertEquals(null, ConfigLoader.parseDuration("soon"));
    }
}
