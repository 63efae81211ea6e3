package io.splitee.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
    enum Mode { PAPER, INT8_CHANNEL }

    /** Keys and defaults: an id without default, numbers, a flag, an enum, a URI, a duration and paths. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        String[] pairs = {"thing.id", null, "queue.size", "64", "offload.max-pending", "8", "ratio", "0.5",
            "flag", "false", "mode", "paper", "uri", "tcp://localhost:1883", "wait", "500ms", "dir", "/var/lib/x",
            "extra", "", "dirs", ""};
        for (int i = 0; i < pairs.length; i += 2) {
            KEYS.put(pairs[i], pairs[i + 1]);
        }
    }

    static final ConfigSource DEFAULTS = ConfigSource.of("T_", "the example file", KEYS);

    static ConfigSource with(String... keyValues) throws ConfigException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            o.put(keyValues[i], keyValues[i + 1]);
        }
        return DEFAULTS.resolve(null, Map.of(), o);
    }

    @Test
    void defaultsAreTheValuesUntilResolved() throws Exception {
        assertEquals(List.copyOf(KEYS.keySet()), DEFAULTS.keys());
        assertEquals(64, DEFAULTS.integer("queue.size"));
        assertEquals(Optional.empty(), DEFAULTS.optional("extra"), "an empty default is unset");
        ConfigException e = assertThrows(ConfigException.class, () -> DEFAULTS.required("thing.id"));
        assertEquals("thing.id", e.key());
        assertEquals("thing.id: missing; set it in the configuration file, as T_THING_ID or with --set thing.id=...",
                e.getMessage());
    }

    @Test
    void precedenceIsCommandLineOverEnvironmentOverFileOverDefault(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.properties");
        Files.writeString(f, "thing.id=fromfile\nqueue.size=5\nratio=0.25\n");
        ConfigSource c = DEFAULTS.resolve(f, Map.of("T_QUEUE_SIZE", " 7 ", "T_RATIO", "0.75", "T_UNKNOWN", "x"),
                Map.of("ratio", "0.125"));
        assertEquals("fromfile", c.required("thing.id"));
        assertEquals(7, c.integer("queue.size"), "the environment over the file, trimmed");
        assertEquals(0.125, c.number("ratio"), "the command line over the environment");
        assertEquals(Duration.ofMillis(500), c.duration("wait"), "the default where nothing sets it");
        assertEquals(64, DEFAULTS.integer("queue.size"), "resolve leaves the defaults as they are");
        ConfigException e = assertThrows(ConfigException.class, () -> c.integer("thing.id"));
        assertEquals("thing.id: 'fromfile' is not an integer (from file " + f + ")", e.getMessage());
        e = assertThrows(ConfigException.class, () -> with("queue.size", "x").integer("queue.size"));
        assertTrue(e.getMessage().endsWith("(from command line)"), e.getMessage());
    }

    @Test
    void envNamesFollowTheRule() {
        assertEquals("T_OFFLOAD_MAX_PENDING", DEFAULTS.envName("offload.max-pending"));
        assertEquals("SPLITEE_GW_MQTT_TLS_CA", ConfigSource.of("SPLITEE_GW_", "f", Map.of()).envName("mqtt.tls.ca"));
    }

    @Test
    void unknownKeysAreRefusedFromTheFileAndTheCommandLine(@TempDir Path dir) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> with("thing.idd", "x"));
        assertEquals("thing.idd", e.key());
        assertEquals("thing.idd: unknown key (from command line); known keys are listed in the example file",
                e.getMessage());
        Path f = dir.resolve("c.properties");
        Files.writeString(f, "ratoi=1\n");
        e = assertThrows(ConfigException.class, () -> DEFAULTS.resolve(f, Map.of(), Map.of()));
        assertEquals("ratoi", e.key());
        assertTrue(e.getMessage().contains("from file " + f), e.getMessage());
    }

    @Test
    void unreadableFileIsReported(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DEFAULTS.resolve(dir.resolve("nope.properties"), Map.of(), Map.of()));
        assertNull(e.key());
        assertTrue(e.getMessage().startsWith("cannot read configuration file ")
                && e.getMessage().contains("nope.properties"), e.getMessage());
    }

    @Test
    void durationsInBothSpellings() {
        assertEquals(Duration.ofMillis(500), ConfigSource.parseDuration("500ms"));
        assertEquals(Duration.ofMillis(1500), ConfigSource.parseDuration("1.5s"));
        assertEquals(Duration.ofMinutes(5), ConfigSource.parseDuration("5m"));
        assertEquals(Duration.ofHours(1), ConfigSource.parseDuration(" 1h "));
        assertEquals(Duration.ofMillis(500), ConfigSource.parseDuration("PT0.5S"));
        assertNull(ConfigSource.parseDuration("soon"));
    }

    @Test
    void typedGettersParse() throws Exception {
        ConfigSource c = with("flag", "ON", "mode", "int8-channel", "uri", "ssl://h:8883", "dirs", " /a , /b/c ",
                "offload.max-pending", "-3");
        assertTrue(c.bool("flag"));
        assertEquals(Mode.INT8_CHANNEL, c.enumOf("mode", Mode.class));
        assertEquals(URI.create("ssl://h:8883"), c.uri("uri"));
        assertEquals(Path.of("/var/lib/x"), c.path("dir"));
        assertEquals(Optional.empty(), c.optionalPath("extra"));
        assertEquals(List.of(Path.of("/a"), Path.of("/b/c")), c.paths("dirs", "folders"));
        assertEquals(-3L, c.longInteger("offload.max-pending"));
    }

    @Test
    void everyGetterNamesTheKeyTheValueAndTheSource() {
        assertBad("queue.size", "3000000000", c -> c.integer("queue.size"), "'3000000000' is out of range");
        assertBad("queue.size", "ten", c -> c.longInteger("queue.size"), "'ten' is not an integer");
        assertBad("ratio", "NaN", c -> c.number("ratio"), "'NaN' is not a finite number");
        assertBad("ratio", "half", c -> c.number("ratio"), "'half' is not a number");
        assertBad("flag", "maybe", c -> c.bool("flag"), "'maybe' is not true or false");
        assertBad("mode", "magic", c -> c.enumOf("mode", Mode.class), "'magic' is not one of paper, int8_channel");
        assertBad("uri", "tcp://a b", c -> c.uri("uri"), "'tcp://a b' is not a URI: Illegal character in authority");
        assertBad("wait", "soon", c -> c.duration("wait"),
                "'soon' is not a duration (examples: 500ms, 10s, 5m, 1h, PT0.5S)");
        assertBad("dirs", "/a,,/b", c -> c.paths("dirs", "folders"),
                "'/a,,/b' has an empty entry (a comma-separated list of folders)");
        assertBad("dir", "/a\u0000b", c -> c.path("dir"), "'/a\u0000b' is not a valid path: Nul character not allowed");
    }

    interface Getter {
        Object get(ConfigSource c) throws ConfigException;
    }

    private static void assertBad(String key, String value, Getter getter, String what) {
        ConfigException e = assertThrows(ConfigException.class, () -> getter.get(with(key, value)));
        assertEquals(key, e.key());
        assertEquals(key + ": " + what + " (from command line)", e.getMessage());
    }

    @Test
    void aRecordsValidationErrorGetsTheSourceOfItsKey() throws Exception {
        ConfigSource c = DEFAULTS.resolve(null, Map.of("T_QUEUE_SIZE", "0"), Map.of());
        ConfigException e = c.invalid(new IllegalArgumentException("queue.size: 0 is outside [1, 10]"));
        assertEquals("queue.size: 0 is outside [1, 10] (from environment T_QUEUE_SIZE)", e.getMessage());
        assertEquals("no key here", c.invalid(new IllegalArgumentException("no key here")).getMessage());
    }

    @Test
    void recordChecksNameTheKey() {
        assertEquals("a.b: 0 is outside [1, 64]", assertThrows(IllegalArgumentException.class,
                () -> ConfigSource.requireRange("a.b", 0, 1, 64)).getMessage());
        assertEquals("a.b: PT0S must be positive", assertThrows(IllegalArgumentException.class,
                () -> ConfigSource.requirePositive("a.b", Duration.ZERO)).getMessage());
        assertEquals("a.b", assertThrows(NullPointerException.class,
                () -> ConfigSource.requirePositive("a.b", null)).getMessage());
        assertEquals("a.b: -1.0 must be a finite number ≥ 0", assertThrows(IllegalArgumentException.class,
                () -> ConfigSource.requireNonNegative("a.b", -1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConfigSource.requireNonNegative("a.b", Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> ConfigSource.requireNonNegative("a.b", Double.POSITIVE_INFINITY));
        ConfigSource.requireRange("a.b", 64, 1, 64);
        ConfigSource.requireNonNegative("a.b", 0);
    }
}
