package io.splitee.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.MqttSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MqttConnectionTest {
    static final ConfigSource DEFAULTS = ConfigSource.of("T_", "the example file",
            MqttConnection.keys(Duration.ofMinutes(5), 64, MqttSettings.Client.PAHO));

    static MqttConnection read(Map<String, String> overrides) throws ConfigException {
        ConfigSource c = DEFAULTS.resolve(null, Map.of(), overrides);
        try {
            return MqttConnection.read(c);
        } catch (IllegalArgumentException e) {
            throw c.invalid(e);
        }
    }

    static String failure(Map<String, String> overrides) {
        return assertThrows(ConfigException.class, () -> read(overrides)).getMessage();
    }

    @Test
    void theDefaultsConnectToALocalBrokerWithoutTls() throws Exception {
        MqttConnection m = read(Map.of());
        assertEquals("tcp://localhost:1883", m.uri().toString());
        assertEquals(Optional.empty(), m.username());
        assertEquals(Optional.empty(), m.caFile());
        assertEquals(Duration.ofMinutes(5), m.sessionExpiry());
        assertEquals(Duration.ofSeconds(30), m.keepAlive());
        assertEquals(64, m.maxInFlight());
        assertEquals(Duration.ofSeconds(1), m.reconnectMin());
        assertEquals(Duration.ofSeconds(30), m.reconnectMax());
        assertEquals(MqttSettings.Client.PAHO, m.client());
        List<ConfigKey<?>> keys = MqttConnection.keys(Duration.ofHours(1), 32, MqttSettings.Client.HIVEMQ);
        assertEquals(13, keys.size());
        assertEquals("hivemq", keys.get(1).defaultText());
        assertEquals("1h", keys.get(8).defaultText());
        assertEquals("32", keys.get(10).defaultText());
        assertEquals(m, MqttConnection.builder().sessionExpiry(Duration.ofMinutes(5)).maxInFlight(64).build(),
                "the builder starts from the same defaults");
    }

    @Test
    void invalidValuesNameTheKey() {
        String[][] cases = {{"mqtt.uri", "http://x:1"}, {"mqtt.session-expiry", "-5s"}, {"mqtt.keep-alive", "0s"},
            {"mqtt.max-in-flight", "70000"}, {"mqtt.reconnect-min", "0s"}, {"mqtt.reconnect-max", "soon"},
            {"mqtt.password", "x"}};
        for (String[] c : cases) {
            String msg = failure(Map.of(c[0], c[1]));
            assertTrue(msg.startsWith(c[0] + ":"), "message should name " + c[0] + ": " + msg);
        }
        assertTrue(failure(Map.of("mqtt.reconnect-min", "1m", "mqtt.reconnect-max", "30s"))
                .startsWith("mqtt.reconnect-max: PT30S is below mqtt.reconnect-min PT1M"));
        assertTrue(failure(Map.of("mqtt.session-expiry", "PT4294967296S")).startsWith("mqtt.session-expiry:"));
        assertTrue(failure(Map.of("mqtt.keep-alive", "PT65536S")).startsWith("mqtt.keep-alive:"));
    }

    @Test
    void theClientIsPahoOrHiveMqAndAnythingElseIsRefusedNamingTheKey() throws Exception {
        assertEquals(MqttSettings.Client.HIVEMQ, read(Map.of("mqtt.client", "hivemq")).client());
        assertEquals(MqttSettings.Client.HIVEMQ, read(Map.of("mqtt.client", "HiveMQ")).client());
        assertEquals(MqttSettings.Client.PAHO, read(Map.of("mqtt.client", "paho")).client());
        assertEquals(MqttSettings.Client.HIVEMQ,
                read(Map.of("mqtt.client", "hivemq")).settings("c").build().client());
        for (String garbage : new String[] {"mosquitto", "paho5", "hive mq", "1"}) {
            String msg = failure(Map.of("mqtt.client", garbage));
            assertTrue(msg.startsWith("mqtt.client:") && msg.contains("paho, hivemq"), msg);
        }
    }

    @Test
    void theBuilderValidatesAsTheLoaderDoes() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttConnection.builder().maxInFlight(0).build())
                .getMessage().startsWith("mqtt.max-in-flight:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MqttConnection.builder()
                .tls(Path.of("/ca.pem"), null, null).build()).getMessage().contains("not ssl://"));
    }

    @Test
    void aConnectionIsTheProgramsOwnBaseForOverrides() throws Exception {
        MqttConnection built = MqttConnection.builder().uri("tcp://127.0.0.1:1999").credentials("u", "p")
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(2)).build();
        ConfigSource c = built.applyTo(DEFAULTS).resolve(null, Map.of(), Map.of("mqtt.keep-alive", "5s"));
        MqttConnection read = MqttConnection.read(c);
        assertEquals(Duration.ofSeconds(5), read.keepAlive());
        assertEquals(built.uri(), read.uri());
        assertEquals(built.password(), read.password());
        assertEquals(Duration.ofMillis(100), read.reconnectMin());
    }

    @Test
    void tlsNeedsSslAndPairs() {
        assertTrue(failure(Map.of("mqtt.tls.ca", "/ca.pem")).contains("not ssl://"));
        assertTrue(failure(Map.of("mqtt.uri", "ssl://h:8883", "mqtt.tls.cert", "/c.pem")).contains("both or neither"));
    }

    @Test
    void passwordIsNotPrinted() throws Exception {
        MqttConnection m = read(Map.of("mqtt.username", "u", "mqtt.password", "s3cret"));
        assertEquals("s3cret", m.password().orElseThrow());
        assertFalse(m.toString().contains("s3cret"), m.toString());
    }

    @Test
    void passwordFileIsRead(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "fromfile\n");
        MqttConnection m = read(Map.of("mqtt.username", "u", "mqtt.password-file", pw.toString()));
        assertEquals("fromfile", m.password().orElseThrow());
        assertTrue(failure(Map.of("mqtt.username", "u", "mqtt.password-file", dir.resolve("none").toString()))
                .startsWith("mqtt.password-file: cannot read "));
        assertEquals("mqtt.password-file: set together with mqtt.password; choose one", failure(Map.of(
                "mqtt.username", "u", "mqtt.password", "p", "mqtt.password-file", pw.toString())));
    }

    @Test
    void settingsKeepTheSessionAndCarryCredentialsAndTls() throws Exception {
        MqttConnection m = read(Map.of("mqtt.uri", "ssl://broker:8883", "mqtt.username", "u",
                "mqtt.password", "p", "mqtt.tls.ca", "/ca.pem", "mqtt.session-expiry", "1h",
                "mqtt.max-in-flight", "7"));
        MqttSettings s = m.settings("client-1").build();
        assertEquals("client-1", s.clientId());
        assertEquals("ssl://broker:8883", s.serverUri());
        assertFalse(s.cleanStart());
        assertEquals(Duration.ofHours(1), s.sessionExpiry());
        assertEquals(Duration.ofSeconds(30), s.keepAlive());
        assertEquals(7, s.maxInFlight());
        assertEquals("u", s.credentials().orElseThrow().username());
        assertArrayEquals("p".getBytes(StandardCharsets.UTF_8), s.credentials().orElseThrow().password());
        assertEquals(Path.of("/ca.pem"), s.tls().orElseThrow().caFile());
        assertTrue(s.tls().orElseThrow().clientCertFile().isEmpty());
        MqttSettings plain = read(Map.of()).settings("c").build();
        assertTrue(plain.credentials().isEmpty());
        assertTrue(plain.tls().isEmpty());
    }
}
