package io.splitee.device.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.config.ConfigException;
import io.splitee.config.ExampleFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The device's keys; the mechanism (layering, parsing, messages) and the mqtt.* keys are tested in split-core. */
class DeviceConfigTest {
    private static final Path EXAMPLE = Path.of("splitee-device.example.properties");

    @Test
    void exampleFileListsExactlyTheKnownKeysWithTheirDefaultsAndLoads() throws Exception {
        ExampleFile.assertListsExactly(EXAMPLE, ConfigLoader.KEYS.keySet());
        ExampleFile.assertShowsTheDefaults(EXAMPLE, ConfigLoader.KEYS);
        DeviceConfig c = DeviceConfig.load(EXAMPLE, Map.of(), Map.of());
        assertEquals("cam1", c.deviceId());
        assertEquals(Duration.ofMillis(500), c.offload().deadline());
        assertEquals(DeviceConfig.Cost.Mode.MEASURED, c.cost().mode());
        assertEquals("splitee/cam1/samples", c.samplesTopic());
        assertEquals(Duration.ofHours(1), c.mqtt().sessionExpiry());
        assertEquals(32, c.mqtt().maxInFlight());
    }

    @Test
    void everyExampleKeyIsDocumentedByAComment() throws Exception {
        ExampleFile.assertEveryKeyIsDocumented(EXAMPLE);
    }

    @Test
    void theEnvironmentPrefixIsSpliteeAndTheCommandLineWins() throws Exception {
        assertEquals("SPLITEE_OFFLOAD_MAX_PENDING", ConfigLoader.DEFAULTS.envName("offload.max-pending"));
        DeviceConfig c = DeviceConfig.load(null, Map.of("SPLITEE_DEVICE_ID", "fromenv", "SPLITEE_MODEL_DIR", "/m",
                "SPLITEE_QUEUE_SIZE", "7", "SPLITEE_POLICY", "random", "SPLITEE_MQTT_MAX_IN_FLIGHT", "9"),
                Map.of("policy", "splitee-s"));
        assertEquals("fromenv", c.deviceId());
        assertEquals(7, c.queueSize());
        assertEquals(9, c.mqtt().maxInFlight());
        assertEquals("splitee-s", c.policy().name());
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
        assertTrue(unknown.getMessage().contains("unknown key")
                && unknown.getMessage().contains("device-runtime/splitee-device.example.properties"), unknown.getMessage());
    }

    @Test
    void rawSampleArmIsLiveAndAdaptiveOnly() {
        assertTrue(failure(Map.of("policy.raw-sample-arm", "true", "cost.mode", "paper"))
                .startsWith("policy.raw-sample-arm:"));
        assertTrue(failure(Map.of("policy.raw-sample-arm", "true", "policy", "fixed:3"))
                .contains("adaptive"));
    }

    @Test
    void deviceIdIsATopicSegmentAndTheBrokerKeysAreRead() {
        assertTrue(failure(Map.of("device.id", "bad/id")).startsWith("device.id:"));
        assertTrue(failure(Map.of("mqtt.tls.ca", "/ca.pem")).contains("not ssl://"));
    }
}
