package io.splitee.device.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceConfigTest {
    private static final Path EXAMPLE = Path.of("splitee-device.example.properties");

    @Test
    void exampleFileListsExactlyTheKnownKeysAndLoads() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(EXAMPLE)) {
            p.load(r);
        }
        assertEquals(new TreeSet<>(ConfigLoader.KEYS.keySet()), new TreeSet<>(p.stringPropertyNames()),
                "the example file and the loader must know the same keys");
        DeviceConfig c = DeviceConfig.load(EXAMPLE, Map.of(), Map.of());
        assertEquals("cam1", c.deviceId());
        assertEquals(Duration.ofMillis(500), c.offload().deadline());
        assertEquals(DeviceConfig.Cost.Mode.MEASURED, c.cost().mode());
        assertEquals("splitee/cam1/samples", c.samplesTopic());
    }

    @Test
    void everyExampleKeyIsDocumentedByAComment() throws IOException {
        String text = Files.readString(EXAMPLE);
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (!l.isBlank() && !l.startsWith("#")) {
                String key = l.substring(0, l.indexOf('='));
                // a comment above the key, or a group of keys sharing one comment
                int j = i - 1;
                while (j >= 0 && !lines[j].isBlank() && !lines[j].startsWith("#")) {
                    j--;
                }
                assertTrue(j >= 0 && lines[j].startsWith("#"), "key " + key + " has no comment above it");
            }
        }
    }

    @Test
    void precedenceIsCommandLineOverEnvironmentOverFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.properties");
        Files.writeString(f, "device.id=fromfile\nmodel.dir=/m\nqueue.size=5\npolicy=final\n");
        DeviceConfig c = DeviceConfig.load(f, Map.of("SPLITEE_QUEUE_SIZE", "7", "SPLITEE_POLICY", "random"),
                Map.of("policy", "splitee-s"));
        assertEquals("fromfile", c.deviceId());
        assertEquals(7, c.queueSize());
        assertEquals("splitee-s", c.policy().name());
    }

    @Test
    void envNamesFollowTheRule() {
        assertEquals("SPLITEE_MQTT_TLS_CA", ConfigLoader.envName("mqtt.tls.ca"));
        assertEquals("SPLITEE_OFFLOAD_MAX_PENDING", ConfigLoader.envName("offload.max-pending"));
    }

    @Test
    void durationsInBothSpellings() {
        assertEquals(Duration.ofMillis(500), ConfigLoader.parseDuration("500ms"));
        assertEquals(Duration.ofMillis(1500), ConfigLoader.parseDuration("1.5s"));
        assertEquals(Duration.ofMinutes(5), ConfigLoader.parseDuration("5m"));
        assertEquals(Duration.ofMillis(500), ConfigLoader.parseDuration("PT0.5S"));
        assertEquals(null, ConfigLoader.parseDuration("soon"));
    }

    private static String failure(Map<String, String> overrides) {
        Map<String, String> base = new java.util.HashMap<>(Map.of("device.id", "d1", "model.dir", "/m"));
        base.putAll(overrides);
        ConfigException e = assertThrows(ConfigException.class, () -> DeviceConfig.load(null, Map.of(), base));
        return e.getMessage();
    }

    @Test
    void invalidValuesNameTheKey() {
        Set<Map.Entry<String, String>> cases = Map.of(
                "queue.size", "0",
                "policy.threshold", "1.5",
                "policy", "greedy",
                "mqtt.uri", "http://x:1",
                "offload.deadline", "soon",
                "offload.encoding", "bf16",
                "cost.mode", "magic",
                "metrics.port", "70000",
                "cost.lambda", "-1",
                "offload.deflate", "maybe").entrySet();
        for (Map.Entry<String, String> c : cases) {
            String msg = failure(Map.of(c.getKey(), c.getValue()));
            assertTrue(msg.startsWith(c.getKey() + ":"), "message should name " + c.getKey() + ": " + msg);
        }
    }

    @Test
    void missingRequiredAndUnknownKeys() {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> DeviceConfig.load(null, Map.of(), Map.of("model.dir", "/m")));
        assertEquals("device.id", missing.key());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m", "mqtt.url", "x")));
        assertEquals("mqtt.url", unknown.key());
        assertTrue(unknown.getMessage().contains("unknown key"));
    }

    @Test
    void rawSampleArmIsLiveAndAdaptiveOnly() {
        assertTrue(failure(Map.of("policy.raw-sample-arm", "true", "cost.mode", "paper"))
                .startsWith("policy.raw-sample-arm:"));
        assertTrue(failure(Map.of("policy.raw-sample-arm", "true", "policy", "fixed:3"))
                .contains("adaptive"));
    }

    @Test
    void tlsNeedsSslAndPairs() {
        assertTrue(failure(Map.of("mqtt.tls.ca", "/ca.pem")).contains("not ssl://"));
        assertTrue(failure(Map.of("mqtt.uri", "ssl://h:8883", "mqtt.tls.cert", "/c.pem")).contains("both or neither"));
        assertTrue(failure(Map.of("device.id", "bad/id")).startsWith("device.id:"));
    }

    @Test
    void unreadableFileIsReported(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DeviceConfig.load(dir.resolve("nope.properties"), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("nope.properties"));
    }

    @Test
    void passwordIsNotPrinted() throws Exception {
        DeviceConfig c = DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m",
                "mqtt.username", "u", "mqtt.password", "s3cret"));
        assertTrue(!c.toString().contains("s3cret"));
    }
}
