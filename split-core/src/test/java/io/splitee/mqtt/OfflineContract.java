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
import org.junit.jupiter.api.Test;

/**
 * What the transport checks before it ever talks to a broker; run once per {@link MqttSettings.Client} by a
 * subclass in its adapter's module, where {@link Transport#mqtt} finds it.
 */
public abstract class OfflineContract {
    private final MqttSettings.Client client;
    private final String transportClass;

    /**
     * @param client         the client under test
     * @param transportClass the simple name of the class {@link Transport#mqtt} makes for it
     */
    protected OfflineContract(MqttSettings.Client client, String transportClass) {
        this.client = client;
        this.transportClass = transportClass;
    }

    private Transport transport() {
        return Transport.mqtt(MqttSettings.builder("unit", "tcp://127.0.0.1:1").client(client).build());
    }

    private static TransportException failure(CompletableFuture<Void> f) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return assertInstanceOf(TransportException.class, e.getCause());
    }

    @Test
    void theSettingPicksTheImplementation() {
        try (Transport t = transport()) {
            assertEquals(transportClass, t.getClass().getSimpleName());
        }
    }

    @Test
    void subscribeValidatesBeforeRemembering() {
        try (Transport t = transport()) {
            assertThrows(IllegalArgumentException.class, () -> t.subscribe("a/#/b", 1, m -> { }));
            IllegalArgumentException qos2 = assertThrows(IllegalArgumentException.class,
                    () -> t.subscribe("a/b", 2, m -> { }));
            assertTrue(qos2.getMessage().contains("qos"), qos2.getMessage());
            assertThrows(NullPointerException.class, () -> t.subscribe("a/b", 1, null));
        }
    }

    @Test
    void notStartedMeansNotConnected() throws Exception {
        try (Transport t = transport()) {
            t.subscribe("$share/g/a/+", 1, m -> { }); // remembered only
            assertFalse(t.isConnected());
            assertEquals(OptionalInt.empty(), t.brokerMaxPacketSize());
            assertEquals(TransportException.Reason.NOT_CONNECTED,
                    failure(t.publish(Outgoing.of("a/b", new byte[1], 1))).reason());
        }
    }

    @Test
    void ackOfForeignMessagesIsHarmless() {
        try (Transport t = transport()) {
            t.ack(new Incoming("a/b", new byte[0], 1, false, false, Optional.empty(), Optional.empty(), new byte[0],
                    List.of(), 0));
            t.ack(new Incoming("a/b", new byte[0], 1, false, false, Optional.empty(), Optional.empty(), new byte[0],
                    List.of(), 12345));
        }
    }

    @Test
    void closeIsIdempotentAndFinal() {
        Transport t = transport();
        t.close();
        t.close();
        assertThrows(IllegalStateException.class, t::start);
        assertThrows(IllegalStateException.class, () -> t.subscribe("a", 1, m -> { }));
        assertEquals(TransportException.Reason.CLOSED, failure(t.publish(Outgoing.of("a/b", new byte[1], 1))).reason());
    }
}
