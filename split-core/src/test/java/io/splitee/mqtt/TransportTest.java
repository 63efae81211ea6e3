package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the transport checks before it ever talks to a broker, for every implementation. */
class TransportTest {
    private static Transport transport(MqttSettings.Client client) {
        return Transport.mqtt(MqttSettings.builder("unit", "tcp://127.0.0.1:1").client(client).build());
    }

    private static TransportException failure(CompletableFuture<Void> f) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return assertInstanceOf(TransportException.class, e.getCause());
    }

    @ParameterizedTest
    @EnumSource(MqttSettings.Client.class)
    void theSettingPicksTheImplementation(MqttSettings.Client client) {
        try (Transport t = transport(client)) {
            assertEquals(client == MqttSettings.Client.PAHO ? PahoTransport.class : HiveMqTransport.class, t.getClass());
        }
    }

    @ParameterizedTest
    @EnumSource(MqttSettings.Client.class)
    void subscribeValidatesBeforeRemembering(MqttSettings.Client client) {
        try (Transport t = transport(client)) {
            assertThrows(IllegalArgumentException.class, () -> t.subscribe("a/#/b", 1, m -> { }));
            IllegalArgumentException qos2 = assertThrows(IllegalArgumentException.class,
                    () -> t.subscribe("a/b", 2, m -> { }));
            assertTrue(qos2.getMessage().contains("qos"), qos2.getMessage());
            assertThrows(NullPointerException.class, () -> t.subscribe("a/b", 1, null));
        }
    }

    @ParameterizedTest
    @EnumSource(MqttSettings.Client.class)
    void notStartedMeansNotConnected(MqttSettings.Client client) throws Exception {
        try (Transport t = transport(client)) {
            t.subscribe("$share/g/a/+", 1, m -> { }); // remembered only
            assertFalse(t.isConnected());
            assertEquals(OptionalInt.empty(), t.brokerMaxPacketSize());
            assertEquals(TransportException.Reason.NOT_CONNECTED,
                    failure(t.publish(Outgoing.of("a/b", new byte[1], 1))).reason());
        }
    }

    @ParameterizedTest
    @EnumSource(MqttSettings.Client.class)
    void ackOfForeignMessagesIsHarmless(MqttSettings.Client client) {
        try (Transport t = transport(client)) {
            t.ack(new Incoming("a/b", new byte[0], 1, false, false, Optional.empty(), Optional.empty(), new byte[0],
                    List.of(), 0));
            t.ack(new Incoming("a/b", new byte[0], 1, false, false, Optional.empty(), Optional.empty(), new byte[0],
                    List.of(), 12345));
        }
    }

    @ParameterizedTest
    @EnumSource(MqttSettings.Client.class)
    void closeIsIdempotentAndFinal(MqttSettings.Client client) {
        Transport t = transport(client);
        t.close();
        t.close();
        assertThrows(IllegalStateException.class, t::start);
        assertThrows(IllegalStateException.class, () -> t.subscribe("a", 1, m -> { }));
        assertEquals(TransportException.Reason.CLOSED, failure(t.publish(Outgoing.of("a/b", new byte[1], 1))).reason());
    }
}
