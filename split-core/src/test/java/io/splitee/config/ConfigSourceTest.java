package io.splitee.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    static final ConfigKey<String> ID = ConfigKey.text("thing.id", null, "the thing's name");
    static final ConfigKey<Integer> QUEUE = ConfigKey.integer("queue.size", 64, 1, 1000, "queue");
    static final ConfigKey<Long> PENDING = ConfigKey.longInteger("offload.max-pending", 8L, "pending");
    static final ConfigKey<Double> RATIO = ConfigKey.number("ratio", 0.5, v -> v > 0 && v <= 1, "is outside (0, 1]", "ratio");
    static final ConfigKey<Boolean> FLAG = ConfigKey.bool("flag", false, "flag");
    static final ConfigKey<Mode> MODE = ConfigKey.enumOf("mode", Mode.class, Mode.PAPER, "mode");
    static final ConfigKey<URI> URI_KEY = ConfigKey.uri("uri", URI.create("tcp://localhost:1883"), "uri");
    static final ConfigKey<Duration> WAIT = ConfigKey.duration("wait", Duration.ofMillis(500), "wait");
    static final ConfigKey<Path> DIR = ConfigKey.path("dir", Path.of("/var/lib/x"), "dir");
    static final ConfigKey<Path> EXTRA = ConfigKey.path("extra", null, "extra").asOptional();
    static final ConfigKey<List<Path>> DIRS = ConfigKey.paths("dirs", "folders", "dirs").asOptional();

    static final List<ConfigKey<?>> KEYS = List.of(ID, QUEUE, PENDING, RATIO, FLAG, MODE, URI_KEY, WAIT, DIR, EXTRA, DIRS);
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
        assertEquals(KEYS, DEFAULTS.keys());
        assertEquals(64, DEFAULTS.get(QUEUE));
        assertEquals(Optional.empty(), DEFAULTS.optional(EXTRA), "an optional key without a value is unset");
        ConfigException e = assertThrows(ConfigException.class, () -> DEFAULTS.get(ID));
        assertEquals("thing.id", e.key());
        assertEquals("thing.id: missing; set it in the configuration file, as T_THING_ID or with --set thing.id=...",
                e.getMessage());
        assertFalse(DEFAULTS.isSet(QUEUE));
    }

    @Test
    void precedenceIsCommandLineOverEnvironmentOverFileOverDefault(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.properties");
        Files.writeString(f, "thing.id=fromfile\nqueue.size=5\nratio=0.25\n");
        ConfigSource c = DEFAULTS.resolve(f, Map.of("T_QUEUE_SIZE", " 7 ", "T_RATIO", "0.75", "T_UNKNOWN", "x"),
                Map.of("ratio", "0.125"));
        assertEquals("fromfile", c.get(ID));
        assertEquals(7, c.get(QUEUE), "the environment over the file, trimmed");
        assertEquals(0.125, c.get(RATIO), "the command line over the environment");
        assertEquals(Duration.ofMillis(500), c.get(WAIT), "the default where nothing sets it");
        assertEquals(64, DEFAULTS.get(QUEUE), "resolve leaves the defaults as they are");
        assertTrue(c.isSet(QUEUE) && c.isSet(ID) && c.isSet(RATIO));
        assertFalse(c.isSet(WAIT));
        ConfigException e = assertThrows(ConfigException.class, () -> DEFAULTS.resolve(f, Map.of(), Map.of(
                "queue.size", "x")));
        assertEquals("queue.size: 'x' is not an integer (from command line)", e.getMessage());
        Files.writeString(f, "queue.size=fromfile\n");
        e = assertThrows(ConfigException.class, () -> DEFAULTS.resolve(f, Map.of(), Map.of()));
        assertEquals("queue.size: 'fromfile' is not an integer (from file " + f + ")", e.getMessage());
    }

    @Test
    void envNamesFollowTheRule() {
        assertEquals("T_OFFLOAD_MAX_PENDING", DEFAULTS.envName("offload.max-pending"));
        assertEquals("SPLITEE_GW_MQTT_TLS_CA", ConfigSource.of("SPLITEE_GW_", "f", List.of()).envName("mqtt.tls.ca"));
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
    void typedValuesParse() throws Exception {
        ConfigSource c = with("flag", "ON", "mode", "int8-channel", "uri", "ssl://h:8883", "dirs", " /a , /b/c ",
                "offload.max-pending", "-3");
        assertTrue(c.get(FLAG));
        assertEquals(Mode.INT8_CHANNEL, c.get(MODE));
        assertEquals(URI.create("ssl://h:8883"), c.get(URI_KEY));
        assertEquals(Path.of("/var/lib/x"), c.get(DIR));
        assertEquals(Optional.empty(), c.optional(EXTRA));
        assertEquals(Optional.of(List.of(Path.of("/a"), Path.of("/b/c"))), c.optional(DIRS));
        assertEquals(-3L, c.get(PENDING));
    }

    @Test
    void everyValueIsCheckedByItsDefinitionNamingTheKeyTheValueAndTheSource() {
        assertBad("queue.size", "3000000000", "'3000000000' is out of range");
        assertBad("queue.size", "0", "'0' is outside [1, 1000]");
        assertBad("offload.max-pending", "ten", "'ten' is not an integer");
        assertBad("ratio", "NaN", "'NaN' is not a finite number");
        assertBad("ratio", "half", "'half' is not a number");
        assertBad("ratio", "1.5", "'1.5' is outside (0, 1]");
        assertBad("flag", "maybe", "'maybe' is not true or false");
        assertBad("mode", "magic", "'magic' is not one of paper, int8-channel");
        assertBad("uri", "tcp://a b", "'tcp://a b' is not a URI: Illegal character in authority");
        assertBad("wait", "soon", "'soon' is not a duration (examples: 500ms, 10s, 5m, 1h, PT0.5S)");
        assertBad("wait", "-1s", "'-1s' is not a duration (examples: 500ms, 10s, 5m, 1h, PT0.5S)");
        assertBad("wait", "PT-1S", "'PT-1S' must not be negative");
        assertBad("dirs", "/a,,/b", "'/a,,/b' has an empty entry (a comma-separated list of folders)");
        assertBad("dir", "/a\u0000b", "'/a\u0000b' is not a valid path: Nul character not allowed");
    }

    private static void assertBad(String key, String value, String what) {
        ConfigException e = assertThrows(ConfigException.class, () -> with(key, value));
        assertEquals(key, e.key());
        assertEquals(key + ": " + what + " (from command line)", e.getMessage());
    }

    @Test
    void aKeyThatDoesNothingIsRefusedOnlyWhenTheUserSetIt() throws Exception {
        ConfigSource c = with("ratio", "0.25");
        c.refuseIfSet(QUEUE, "nothing reads it");
        ConfigException e = assertThrows(ConfigException.class, () -> c.refuseIfSet(RATIO, "nothing reads it"));
        assertEquals("ratio", e.key());
        assertEquals("ratio: set (from command line) but nothing reads it", e.getMessage());
        ConfigSource program = DEFAULTS.with(RATIO, 0.25).resolve(null, Map.of(), Map.of());
        assertEquals(0.25, program.get(RATIO));
        assertFalse(program.isSet(RATIO), "a value the program sets is not the user's");
        program.refuseIfSet(RATIO, "nothing reads it");
    }

    @Test
    void aRecordsValidationErrorGetsTheSourceOfItsKey() throws Exception {
        ConfigSource c = DEFAULTS.resolve(null, Map.of("T_QUEUE_SIZE", "9"), Map.of());
        ConfigException e = c.invalid(new IllegalArgumentException("queue.size: 9 is odd"));
        assertEquals("queue.size: 9 is odd (from environment T_QUEUE_SIZE)", e.getMessage());
        assertEquals("queue.size", e.key());
        assertEquals("no key here", c.invalid(new IllegalArgumentException("no key here")).getMessage());
    }

    @Test
    void recordChecksNameTheKey() {
        assertEquals("queue.size: 0 is outside [1, 1000]", assertThrows(IllegalArgumentException.class,
                () -> QUEUE.check(0)).getMessage());
        assertEquals("wait: -1s must not be negative", assertThrows(IllegalArgumentException.class,
                () -> WAIT.check(Duration.ofSeconds(-1))).getMessage());
        assertEquals("wait", assertThrows(NullPointerException.class, () -> WAIT.check(null)).getMessage());
        assertEquals("ratio: 2.0 is outside (0, 1]", assertThrows(IllegalArgumentException.class,
                () -> RATIO.check(2.0)).getMessage());
        assertEquals(1000, QUEUE.check(1000));
    }

    @Test
    void definitionsPrintTheirDefaultsAsTheFileWritesThem() {
        assertEquals("64", QUEUE.defaultText());
        assertEquals("0.5", RATIO.defaultText());
        assertEquals("500ms", WAIT.defaultText());
        assertEquals("1h", ConfigKey.duration("d", Duration.ofHours(1), "d").defaultText());
        assertEquals("paper", MODE.defaultText());
        assertEquals("", EXTRA.defaultText());
        assertTrue(ID.required());
        assertFalse(EXTRA.required());
        assertEquals("0.01", ConfigKey.nonNegative("x", 0.01, "x").defaultText());
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.integer("bad", 0, 1, 2, "default outside"));
    }

    @Test
    void theKeyTableIsMadeFromTheDefinitions() {
        String table = ConfigSource.of("T_", "f", List.of(ID, QUEUE, EXTRA)).markdownTable();
        assertEquals("| key | default | meaning |\n|---|---|---|\n"
                + "| `thing.id` | (required) | the thing's name |\n"
                + "| `queue.size` | `64` | queue |\n"
                + "| `extra` | (unset) | extra |\n", table);
    }
}
