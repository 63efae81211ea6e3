package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessagesTest {

    @Test
    void outgoingCopiesArraysInAndOut() {
        byte[] payload = {1, 2, 3};
        Outgoing m = Outgoing.of("a/b", payload, 1);
        payload[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, m.payload());
        m.payload()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, m.payload());
        assertEquals(3, m.payloadBuffer().remaining());
        assertTrue(m.payloadBuffer().isReadOnly());
        assertEquals(m, Outgoing.of("a/b", new byte[] {1, 2, 3}, 1));
    }

    @Test
    void outgoingValidatesByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Outgoing.of("a/+", new byte[0], 1))
                .getMessage().startsWith("topic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Outgoing.of("a", new byte[0], 3))
                .getMessage().startsWith("qos"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Outgoing.of("a", null, 1))
                .getMessage().startsWith("payload"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Outgoing.builder("a", new byte[0]).messageExpiry(Duration.ofMillis(10)).build())
                .getMessage().startsWith("messageExpiry"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Outgoing.builder("a", new byte[0]).responseTopic("r/#").build())
                .getMessage().startsWith("responseTopic"));
    }

    @Test
    void incomingIsDefensive() {
        byte[] payload = {5};
        Incoming in = new Incoming("a", payload, 1, false, false, Optional.empty(), Optional.empty(), new byte[0],
                List.of(), 0);
        payload[0] = 6;
        assertArrayEquals(new byte[] {5}, in.payload());
        in.payload()[0] = 7;
        assertArrayEquals(new byte[] {5}, in.payload());
        assertThrows(IllegalArgumentException.class, () -> new Incoming("a", payload, 3, false, false,
                Optional.empty(), Optional.empty(), new byte[0], List.of(), 0));
        assertEquals(Optional.empty(), in.messageExpiry(), "none unless given");
        assertThrows(IllegalArgumentException.class, () -> new Incoming("a", payload, 1, false, false,
                Optional.empty(), Optional.empty(), new byte[0], List.of(), 0,
                Optional.of(java.time.Duration.ofSeconds(-1))));
        assertThrows(IllegalArgumentException.class, () -> new Incoming("a", payload, 1, false, false,
                Optional.empty(), Optional.empty(), new byte[0], List.of(), 0, null));
    }
}
