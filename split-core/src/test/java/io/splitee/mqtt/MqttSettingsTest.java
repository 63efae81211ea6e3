package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class MqttSettingsTest {
    private static final String URI = "tcp://127.0.0.1:1883";

    private static MqttSettings.Builder base() {
        return MqttSettings.builder("dev-1", URI);
    }

    private static void assertRejected(String field, UnaryOperator<MqttSettings.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.apply(base()).build());
        assertTrue(e.getMessage().contains(field), "message should name " + field + ": " + e.getMessage());
    }

    @Test
    void defaults() {
        MqttSettings s = base().build();
        assertFalse(s.cleanStart());
        assertEquals(Duration.ofHours(1), s.sessionExpiry());
        assertEquals(32, s.maxInFlight());
        assertTrue(s.credentials().isEmpty());
        assertTrue(s.tls().isEmpty());
        assertTrue(s.will().isEmpty());
        assertTrue(s.maxPacketSize().isEmpty());
        assertTrue(s.persistenceDir().isEmpty());
        assertTrue(s.reconnectMaxDelay().compareTo(s.reconnectMinDelay()) >= 0);
        assertEquals(MqttSettings.Client.PAHO, s.client());
    }

    @Test
    void theHiveMqClientRefusesAPersistenceDirectory() {
        assertRejected("persistenceDir", b -> b.client(MqttSettings.Client.HIVEMQ).persistenceDir(Path.of("/tmp/x")));
        assertRejected("client", b -> b.client(null));
        assertEquals(MqttSettings.Client.HIVEMQ, base().client(MqttSettings.Client.HIVEMQ).build()
                .withClientId("other").client());
    }

    @Test
    void rejectsBadFieldsByName() {
        assertRejected("clientId", b -> b.clientId(null));
        assertRejected("clientId", b -> b.clientId(" "));
        assertRejected("clientId", b -> b.clientId("dev 1"));
        assertRejected("serverUri", b -> b.serverUri(null));
        assertRejected("serverUri", b -> b.serverUri("http://127.0.0.1:1883"));
        assertRejected("serverUri", b -> b.serverUri("127.0.0.1:1883"));
        assertRejected("serverUri", b -> b.serverUri("tcp://127.0.0.1"));
        assertRejected("serverUri", b -> b.serverUri("tcp://:1883"));
        assertRejected("serverUri", b -> b.serverUri("tcp://host:1883/path"));
        assertRejected("sessionExpiry", b -> b.sessionExpiry(Duration.ofSeconds(-1)));
        assertRejected("sessionExpiry", b -> b.sessionExpiry(Duration.ofSeconds(0x1_0000_0000L)));
        assertRejected("keepAlive", b -> b.keepAlive(Duration.ofSeconds(65_536)));
        assertRejected("connectTimeout", b -> b.connectTimeout(Duration.ZERO));
        assertRejected("reconnectMinDelay", b -> b.reconnectDelay(Duration.ZERO, Duration.ofSeconds(1)));
        assertRejected("reconnectMaxDelay",
                b -> b.reconnectDelay(Duration.ofSeconds(5), Duration.ofSeconds(1)));
        assertRejected("operationTimeout", b -> b.operationTimeout(Duration.ofMillis(-5)));
        assertRejected("maxInFlight", b -> b.maxInFlight(0));
        assertRejected("maxInFlight", b -> b.maxInFlight(65_536));
        assertRejected("backpressureTimeout", b -> b.backpressureTimeout(Duration.ofMillis(-1)));
        assertRejected("receiveMaximum", b -> b.receiveMaximum(0));
        assertRejected("maxPacketSize", b -> b.maxPacketSize(0));
        assertRejected("tls", b -> b.tls(MqttSettings.Tls.serverOnly(Path.of("ca.pem"))));
    }

    @Test
    void acceptsTlsWithSsl() {
        MqttSettings s = base().serverUri("ssl://broker.local:8883")
                .tls(MqttSettings.Tls.mutual(Path.of("ca.pem"), Path.of("c.pem"), Path.of("k.pem"))).build();
        assertEquals("ssl://broker.local:8883", s.serverUri());
        assertTrue(s.tls().orElseThrow().clientKeyFile().isPresent());
    }

    @Test
    void tlsCertAndKeyComeTogether() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MqttSettings.Tls(
                Path.of("ca.pem"), java.util.Optional.of(Path.of("c.pem")), java.util.Optional.empty()));
        assertTrue(e.getMessage().contains("tls.clientCertFile"), e.getMessage());
    }

    @Test
    void willIsValidatedAndCopied() {
        byte[] payload = "offline".getBytes(StandardCharsets.UTF_8);
        MqttSettings.Will w = new MqttSettings.Will("splitee/d1/status", payload, 1, true);
        payload[0] = 'X';
        assertArrayEquals("offline".getBytes(StandardCharsets.UTF_8), w.payload());
        w.payload()[0] = 'Y';
        assertArrayEquals("offline".getBytes(StandardCharsets.UTF_8), w.payload());
        assertThrows(IllegalArgumentException.class, () -> new MqttSettings.Will("splitee/+/status", payload, 1, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MqttSettings.Will("splitee/d1/status", payload, 3, true));
        assertTrue(e.getMessage().contains("will.qos"), e.getMessage());
    }

    @Test
    void credentialsNeverPrintThePassword() {
        MqttSettings s = base().credentials(MqttSettings.Credentials.of("dev", "s3cret")).build();
        assertFalse(s.toString().contains("s3cret"), s.toString());
        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), s.credentials().orElseThrow().password());
    }

    @Test
    void withClientIdKeepsTheRest() {
        MqttSettings s = base().maxInFlight(7).build().withClientId("dev-2");
        assertEquals("dev-2", s.clientId());
        assertEquals(7, s.maxInFlight());
    }
}
