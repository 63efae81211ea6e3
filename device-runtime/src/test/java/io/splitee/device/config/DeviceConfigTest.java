package io.splitee.device.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.config.ConfigException;
import io.splitee.config.ExampleFile;
import io.splitee.config.MqttConnection;
import io.splitee.wire.Encoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The device's keys; the mechanism (layering, parsing, messages) and the mqtt.* keys are tested in split-core. */
class DeviceConfigTest {
    private static final Path EXAMPLE = Path.of("splitee-device.example.properties");
    private static final Path DOC = Path.of("../docs/device.md");

    @Test
    void exampleFileListsExactlyTheKnownKeysWithTheirDefaultsAndLoads() throws Exception {
        ExampleFile.assertListsExactly(EXAMPLE, DeviceConfig.keys());
        ExampleFile.assertShowsTheDefaults(EXAMPLE, DeviceConfig.keys());
        DeviceConfig c = DeviceConfig.load(EXAMPLE, Map.of(), Map.of());
        assertEquals("cam1", c.deviceId());
        assertEquals(Duration.ofMillis(500), c.offload().deadline());
        assertEquals(DeviceConfig.Cost.Mode.MEASURED, c.cost().mode());
        assertEquals("splitee/cam1/samples", c.samplesTopic());
        assertEquals(Duration.ofHours(1), c.mqtt().sessionExpiry());
        assertEquals(32, c.mqtt().maxInFlight());
    }

    @Test
    void everyExampleKeyIsDocumentedByACommentAndTheDocsTableIsTheDefinitions() throws Exception {
        ExampleFile.assertEveryKeyIsDocumented(EXAMPLE);
        ExampleFile.assertKeyTable(DOC, DeviceConfig.keys());
    }

    @Test
    void theEnvironmentPrefixIsSpliteeAndTheCommandLineWins() throws Exception {
        assertEquals("SPLITEE_OFFLOAD_MAX_PENDING", ConfigLoader.DEFAULTS.envName("offload.max-pending"));
        DeviceConfig c = DeviceConfig.load(null, Map.of("SPLITEE_DEVICE_ID", "fromenv", "SPLITEE_MODEL_DIR", "/m",
                "SPLITEE_QUEUE_SIZE", "7", "SPLITEE_POLICY", "random", "SPLITEE_MQTT_MAX_IN_FLIGHT", "9"),
                Map.of("policy", "splitee-s"));
        assertEquals("fromenv", c.deviceId());
        assertEquals(7, c.service().queueSize());
        assertEquals(9, c.mqtt().maxInFlight());
        assertEquals("splitee-s", c.policy().name());
    }

    /** The default policy is issue 14's: side observations without the C_a stand-in, a change detector, refocus. */
    @Test
    void theDefaultPolicyDetectsChanges() throws Exception {
        DeviceConfig c = DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m"));
        assertEquals(DeviceConfig.PolicyConfig.DEFAULT_POLICY, c.policy().name());
        assertEquals("splitee-s:side=learned,detect=ph,refocus=0.1", c.policy().name(), "kept canonical");
        io.splitee.engine.PolicySpec spec = io.splitee.engine.PolicySpec.parse(c.policy().name());
        assertTrue(spec.detects() && spec.refocuses() && spec.has(io.splitee.engine.Characteristic.SIDE_OBSERVATIONS));
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
                "cost.weight.device-ms", "-0.1",
                "cost.mode", "magic",
                "metrics.port", "70000",
                "cost.lambda", "-1",
                "offload.deflate", "maybe").entrySet();
        assertTrue(failure(Map.of("state.save-every", "0")).startsWith("state.save-every:"));
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
    void deviceIdIsATopicSegmentAndTheBrokerKeysAreRead() throws Exception {
        assertTrue(failure(Map.of("device.id", "bad/id")).startsWith("device.id:"));
        assertTrue(failure(Map.of("device.id", "")).startsWith("device.id: missing"));
        assertTrue(failure(Map.of("device.id", "x".repeat(65))).startsWith("device.id:"));
        assertTrue(failure(Map.of("mqtt.tls.ca", "/ca.pem")).contains("not ssl://"));
        DeviceConfig dotted = DeviceConfig.load(null, Map.of(), Map.of("device.id", "cam.kitchen-1", "model.dir", "/m"));
        assertEquals("splitee/cam.kitchen-1/samples", dotted.samplesTopic(), "a '.' is allowed, as on the wire");
    }

    @Test
    void thePolicyIsCheckedByTheEnginesOneRuleAtLoad() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m", "policy", "fixed:0")));
        assertEquals("policy", e.key());
        assertTrue(e.getMessage().contains("the arm must be >= 1") && e.getMessage().endsWith("(from command line)"),
                e.getMessage());
        assertEquals("policy", assertThrows(ConfigException.class, () -> DeviceConfig.load(null, Map.of(),
                Map.of("device.id", "d", "model.dir", "/m", "policy", "nope"))).key());
        DeviceConfig ok = DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m", "policy", "fixed:99",
                "cost.mode", "paper"));
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class, () -> ok.policy().requireFits(12));
        assertTrue(tooDeep.getMessage().startsWith("policy: ") && tooDeep.getMessage().contains("1..12"),
                tooDeep.getMessage());
        ok.policy().requireFits(99);
        assertThrows(IllegalArgumentException.class, () -> new DeviceConfig.PolicyConfig("fixed:0", 0.8, 1, 1, false));
    }

    @Test
    void aKeyThatDoesNothingInTheChosenModeIsRefusedWhenSet() {
        String[][] cases = {
            {"cost.lambda", "0.02", "cost.mode", "measured"},
            {"cost.offload", "0.1", "cost.mode", "measured"},
            {"cost.weight.device-ms", "0.2", "cost.mode", "paper"},
            {"cost.weight.link-ms", "0.2", "cost.mode", "paper"},
            {"cost.weight.millijoule", "0", "cost.mode", "paper"},
            {"policy.ucb-c", "0.7", "policy", "fixed:3"},
            {"policy.ucb-c", "0.7", "policy", "random"},
            {"policy.seed", "7", "policy", "splitee-s"},
        };
        for (String[] c : cases) {
            String msg = failure(Map.of(c[0], c[1], c[2], c[3]));
            assertTrue(msg.startsWith(c[0] + ": set (from command line) but ") && !msg.contains("\n"),
                    c[0] + " with " + c[2] + "=" + c[3] + ": " + msg);
        }
        String noSensor = failure(Map.of("cost.weight.millijoule", "0.5"));
        assertTrue(noSensor.startsWith("cost.weight.millijoule: 0.5 needs a power sensor")
                && noSensor.contains("power.sensor") && !noSensor.contains("\n"), "nothing would read it: " + noSensor);
    }

    @Test
    void theBoardsKeysAreRefusedWhereTheyDoNothing() {
        Map<String, String> examples = new java.util.LinkedHashMap<>();
        examples.put("gpio.led.pin", "17");
        examples.put("gpio.led.rgb", "17,27,22");
        examples.put("gpio.led.active-low", "true");
        examples.put("gpio.button.pin", "26");
        examples.put("gpio.button.debounce", "20ms");
        examples.put("gpio.button.long-press", "5s");
        examples.put("power.sensor", "ina219");
        examples.put("power.i2c-bus", "0");
        examples.put("power.i2c-address", "0x41");
        examples.put("power.shunt-ohms", "0.01");
        examples.put("power.max-current", "8");
        examples.put("power.sample-interval", "5ms");
        assertEquals(DeviceConfig.keys().stream().map(k -> k.name())
                .filter(n -> n.startsWith("gpio.") && !n.equals("gpio.enabled") || n.startsWith("power.")).toList(),
                List.copyOf(examples.keySet()), "every board key has a case");
        examples.forEach((key, value) -> {
            String msg = failure(Map.of(key, value));
            assertTrue(msg.startsWith(key + ": set (from command line) but gpio.enabled is false"), msg);
        });
        String[][] cases = {
            {"gpio.led.rgb", "1,2,3", "gpio.led.pin", "4", "gpio.led.pin is set too"},
            {"gpio.led.active-low", "true", "gpio.button.pin", "4", "no LED is configured"},
            {"gpio.button.long-press", "4s", "gpio.led.pin", "4", "no button is configured"},
            {"power.i2c-address", "0x41", "gpio.led.pin", "4", "power.sensor is none"},
            {"power.sample-interval", "1ms", "power.sensor", "none", "power.sensor is none"},
        };
        for (String[] c : cases) {
            String msg = failure(Map.of("gpio.enabled", "true", c[0], c[1], c[2], c[3]));
            assertTrue(msg.startsWith(c[0] + ": set (from command line) but " + c[4]), msg);
        }
        Map<String, String> bad = Map.of("gpio.led.pin", "28", "gpio.led.rgb", "1,2", "power.i2c-address", "0x39",
                "gpio.button.debounce", "0ms", "gpio.button.long-press", "500ms", "power.shunt-ohms", "0",
                "power.sample-interval", "100us", "power.sensor", "ina226");
        bad.forEach((key, value) -> {
            String msg = failure(Map.of("gpio.enabled", "true", key, value));
            assertTrue(msg.startsWith(key + ":"), msg);
        });
        assertTrue(failure(Map.of("gpio.enabled", "true", "gpio.led.rgb", "1,1,2")).contains("three different"));
    }

    @Test
    void aBoardWithEveryPartLoadsAndTheBuilderMakesTheSame() throws Exception {
        Map<String, String> keys = new java.util.HashMap<>(Map.of("device.id", "d", "model.dir", "/m",
                "gpio.enabled", "true", "gpio.led.rgb", "17,27,22", "gpio.led.active-low", "true",
                "gpio.button.pin", "26", "power.sensor", "ina219", "power.i2c-address", "0x41",
                "cost.weight.millijoule", "0.5"));
        DeviceConfig c = DeviceConfig.load(null, Map.of(), keys);
        DeviceConfig.Gpio g = c.gpio();
        assertEquals(List.of(17, 27, 22), g.led().orElseThrow().pins());
        assertTrue(g.led().orElseThrow().rgb() && g.led().orElseThrow().activeLow());
        assertEquals(new DeviceConfig.Button(26, Duration.ofMillis(50), Duration.ofSeconds(3)), g.button().orElseThrow());
        assertEquals(new DeviceConfig.Power(1, 0x41, 0.1, 3.2, Duration.ofMillis(2)), g.power().orElseThrow());
        assertEquals(0.5, c.cost().perMillijoule());
        DeviceConfig built = DeviceConfig.builder("d", Path.of("/m")).perMillijoule(0.5)
                .gpio(new DeviceConfig.Gpio(true, java.util.Optional.of(new DeviceConfig.Led(List.of(17, 27, 22), true)),
                        g.button(), g.power()))
                .build();
        assertEquals(c, built);
        assertEquals(c, DeviceConfig.load(built, Map.of()), "a built configuration reads back as itself");
        DeviceConfig.Gpio bare = DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m",
                "gpio.enabled", "true")).gpio();
        assertTrue(bare.enabled() && bare.led().isEmpty() && bare.button().isEmpty() && bare.power().isEmpty(),
                bare.toString());
        assertThrows(IllegalArgumentException.class, () -> new DeviceConfig.Gpio(false,
                java.util.Optional.of(new DeviceConfig.Led(List.of(4), false)), java.util.Optional.empty(),
                java.util.Optional.empty()));
    }

    @Test
    void theCoapsCertificateKeysGoTogetherAndAreRefusedWhereTheyDoNothing() throws Exception {
        Map<String, String> cert = Map.of("coap.enabled", "true", "coap.dtls.certificate", "/etc/splitee/device.pem",
                "coap.dtls.private-key", "/etc/splitee/device.key", "coap.dtls.trust", "/etc/splitee/ca.pem");
        Map<String, String> keys = new java.util.HashMap<>(Map.of("device.id", "d", "model.dir", "/m"));
        keys.putAll(cert);
        keys.put("coap.dtls.psk-file", "/etc/splitee/coap-psk");
        DeviceConfig c = DeviceConfig.load(null, Map.of(), keys);
        CoapConfig.Dtls d = c.coap().dtls().orElseThrow();
        assertEquals(java.util.Optional.of(Path.of("/etc/splitee/coap-psk")), d.pskFile(), "both: psk and X.509");
        assertEquals(CoapConfig.X509.clientsVerified(Path.of("/etc/splitee/device.pem"),
                Path.of("/etc/splitee/device.key"), Path.of("/etc/splitee/ca.pem")), d.x509().orElseThrow());
        assertEquals(c, DeviceConfig.load(c, Map.of()), "a built configuration reads back as itself");
        assertEquals("required", ConfigLoader.describe(c, "*").get("coap.dtls.client-auth"));

        String[][] cases = {
            {"coap.dtls.private-key", "/k", "coap.dtls.certificate is not set"},
            {"coap.dtls.trust", "/ca.pem", "coap.dtls.certificate is not set"},
            {"coap.dtls.client-auth", "none", "coap.dtls.certificate is not set"},
            {"coap.dtls.port", "5684", "neither coap.dtls.psk-file nor coap.dtls.certificate is set"},
        };
        for (String[] k : cases) {
            String msg = failure(Map.of("coap.enabled", "true", k[0], k[1]));
            assertTrue(msg.startsWith(k[0] + ": set (from command line) but " + k[2]) && !msg.contains("\n"), msg);
        }
        assertTrue(failure(Map.of("coap.dtls.certificate", "/c.pem")).startsWith(
                "coap.dtls.certificate: set (from command line) but coap.enabled is false"));
        String noKey = failure(Map.of("coap.enabled", "true", "coap.dtls.certificate", "/c.pem",
                "coap.dtls.trust", "/ca.pem"));
        assertTrue(noKey.startsWith("coap.dtls.private-key: not set, but coap.dtls.certificate is"), noKey);
        String noTrust = failure(Map.of("coap.enabled", "true", "coap.dtls.certificate", "/c.pem",
                "coap.dtls.private-key", "/k"));
        assertTrue(noTrust.startsWith("coap.dtls.trust: not set, but coap.dtls.client-auth=required needs"), noTrust);
        String inertTrust = failure(Map.of("coap.enabled", "true", "coap.dtls.certificate", "/c.pem",
                "coap.dtls.private-key", "/k", "coap.dtls.trust", "/ca.pem", "coap.dtls.client-auth", "none"));
        assertTrue(inertTrust.startsWith("coap.dtls.trust: set, but coap.dtls.client-auth=none"), inertTrust);
        String badMode = failure(Map.of("coap.enabled", "true", "coap.dtls.certificate", "/c.pem",
                "coap.dtls.private-key", "/k", "coap.dtls.client-auth", "wanted"));
        assertTrue(badMode.startsWith("coap.dtls.client-auth:") && badMode.contains("required, none"), badMode);
        CoapConfig.Dtls none = DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m",
                "coap.enabled", "true", "coap.dtls.certificate", "/c.pem", "coap.dtls.private-key", "/k",
                "coap.dtls.client-auth", "none", "coap.dtls.only", "true")).coap().dtls().orElseThrow();
        assertTrue(none.pskFile().isEmpty() && none.only() && none.x509().orElseThrow().trust().isEmpty(),
                "certificates alone: " + none);
    }

    @Test
    void theUcbConstantDefaultsByCostModeAndOtherwiseAsSet() throws Exception {
        Map<String, String> base = Map.of("device.id", "d", "model.dir", "/m");
        assertEquals(DeviceConfig.PolicyConfig.MEASURED_UCB_C, DeviceConfig.load(null, Map.of(), base).policy().ucbC());
        Map<String, String> paper = new java.util.HashMap<>(base);
        paper.put("cost.mode", "paper");
        assertEquals(DeviceConfig.PolicyConfig.PAPER_UCB_C, DeviceConfig.load(null, Map.of(), paper).policy().ucbC());
        paper.put("policy.ucb-c", "0.25");
        assertEquals(0.25, DeviceConfig.load(null, Map.of(), paper).policy().ucbC());
    }

    @Test
    void theBuilderMakesWhatTheLoaderMakes() throws Exception {
        DeviceConfig loaded = DeviceConfig.load(null, Map.of(), Map.of("device.id", "d.1", "model.dir", "/m",
                "policy", "splitee", "cost.mode", "paper", "cost.lambda", "0.02", "offload.encoding", "int8_per_channel",
                "offload.deadline", "250ms", "mqtt.uri", "tcp://h:1884"));
        DeviceConfig built = DeviceConfig.builder("d.1", Path.of("/m"))
                .mqtt(MqttConnection.builder().uri("tcp://h:1884").build())
                .policy("splitee").costMode(DeviceConfig.Cost.Mode.PAPER).paperCosts(0.02, 0.3)
                .encoding(Encoding.INT8_PER_CHANNEL).deadline(Duration.ofMillis(250)).build();
        assertEquals(loaded, built);
        assertEquals(DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m")),
                DeviceConfig.builder("d", Path.of("/m")).build(), "the same defaults");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceConfig.builder("d", Path.of("/m"))
                .queueSize(0).build()).getMessage().startsWith("queue.size:"));
        assertTrue(failure(Map.of("offload.encoding", "int8-channel")).contains("fp32, fp16, int8, int8_per_channel"));
        assertEquals(DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m",
                        "state.save-every", "40")).service().stateSaveEvery(),
                DeviceConfig.builder("d", Path.of("/m")).stateSaveEvery(40).build().service().stateSaveEvery());
    }

    @Test
    void theRuntimeDirectoryIsTheKeyElseTheServiceManagersElseTheStateDirectory() throws Exception {
        DeviceConfig set = DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m",
                "state.dir", "/var/lib/s", "state.runtime-dir", "/run/x"));
        assertEquals(Path.of("/run/x"), set.service().state().runtimeDir("/run/splitee-device"), "the key wins");
        assertEquals(set, DeviceConfig.builder("d", Path.of("/m")).stateDir(Path.of("/var/lib/s"))
                .stateRuntimeDir(Path.of("/run/x")).build());
        assertEquals(set, DeviceConfig.load(set, Map.of()), "kept through a reload");
        DeviceConfig unset = DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir", "/m",
                "state.dir", "/var/lib/s"));
        assertEquals(Path.of("/run/splitee-device"), unset.service().state().runtimeDir("/run/splitee-device"));
        assertEquals(Path.of("/run/a"), unset.service().state().runtimeDir("/run/a:/run/b"), "the first of several");
        assertEquals(Path.of("/var/lib/s"), unset.service().state().runtimeDir(null), "outside systemd: state.dir");
        assertEquals(Path.of("/var/lib/s"), unset.service().state().runtimeDir(" "));
        assertEquals(Path.of("/var/lib/s"), DeviceConfig.load(null, Map.of(), Map.of("device.id", "d", "model.dir",
                "/m", "state.dir", "/var/lib/s", "state.runtime-dir", "")).service().state().runtimeDir(null),
                "an empty value is unset");
    }

    @Test
    void overridesOnABuiltConfigurationAreTheUsersAndChecked() throws Exception {
        DeviceConfig base = DeviceConfig.builder("demo", Path.of("/m")).costMode(DeviceConfig.Cost.Mode.PAPER)
                .paperCosts(0.01, 0.1).seed(3).ucbC(1.0).build();
        assertEquals(base, DeviceConfig.load(base, Map.of()));
        DeviceConfig more = DeviceConfig.load(base, Map.of("queue.size", "9", "cost.mode", "measured"));
        assertEquals(9, more.service().queueSize());
        assertEquals(0.01, more.cost().lambda(), "the program's own values are not the user's");
        ConfigException inert = assertThrows(ConfigException.class, () -> DeviceConfig.load(base,
                Map.of("cost.weight.link-ms", "0.01")));
        assertEquals("cost.weight.link-ms", inert.key());
        assertEquals("nope", assertThrows(ConfigException.class, () -> DeviceConfig.load(base, Map.of("nope", "1"))).key());
    }

    /** policy.discount and policy.window fold into the policy's spec, and are refused where nothing reads them. */
    @Test
    void driftKeysFoldIntoThePolicy() throws Exception {
        Map<String, String> base = Map.of("device.id", "d", "model.dir", "/m");
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put("policy", "splitee-s");
        m.put("policy.discount", "0.995");
        assertEquals("splitee-s:discount=0.995", DeviceConfig.load(null, Map.of(), m).policy().name());
        m = new java.util.HashMap<>(base);
        m.put("policy", "splitee-s-paper");
        m.put("policy.window", "2000");
        DeviceConfig w = DeviceConfig.load(null, Map.of(), m);
        assertEquals("splitee-s-paper:window=2000", w.policy().name());
        assertEquals(w, DeviceConfig.load(w, Map.of()), "the folded spec round-trips");
        assertEquals("splitee-s:side=learned,discount=0.99", DeviceConfig.load(null, Map.of(),
                Map.of("device.id", "d", "model.dir", "/m", "policy", "splitee-s:side=learned,discount=0.99")).policy().name());
        assertTrue(failure(Map.of("policy", "final", "policy.discount", "0.9")).contains("does not learn"));
        assertTrue(failure(Map.of("policy.discount", "0.9", "policy.window", "10")).contains("not both"));
        assertTrue(failure(Map.of("policy", "splitee:window=5", "policy.window", "10")).contains("in one place"));
        assertTrue(failure(Map.of("policy.discount", "1.5")).contains("policy.discount"));
        assertTrue(failure(Map.of("policy.window", "0")).contains("policy.window"));
    }

    /** policy.refocus folds into a detecting side-observation policy's spec, and is refused where nothing reads it. */
    @Test
    void refocusKeyFoldsIntoThePolicy() throws Exception {
        Map<String, String> m = new java.util.HashMap<>(Map.of("device.id", "d", "model.dir", "/m"));
        m.put("policy", "splitee-s:side=learned,detect=ph");
        m.put("policy.refocus", "0.1");
        DeviceConfig c = DeviceConfig.load(null, Map.of(), m);
        assertEquals("splitee-s:side=learned,detect=ph,refocus=0.1", c.policy().name());
        assertEquals(c, DeviceConfig.load(c, Map.of()), "the folded spec round-trips");
        assertTrue(failure(Map.of("policy", "splitee-s", "policy.refocus", "0.1"))
                .contains("only splitee-s and splitee-s-paper with :detect=ph"));
        assertTrue(failure(Map.of("policy.refocus", "0.2")).contains("in one place"), "the default refocuses already");
        assertTrue(failure(Map.of("policy", "splitee:detect=ph", "policy.refocus", "0.1")).contains("no change detector"));
        assertTrue(failure(Map.of("policy", "splitee-s:detect=ph,refocus=0.2", "policy.refocus", "0.1"))
                .contains("in one place"));
        assertTrue(failure(Map.of("policy", "splitee-s:detect=ph", "policy.refocus", "0")).contains("policy.refocus"));
    }
}
