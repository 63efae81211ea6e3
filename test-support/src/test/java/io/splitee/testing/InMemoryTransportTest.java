package io.splitee.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryTransportTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void deliversToMatchingSubscriptionsOnItsCallbackThreadAndKeepsUnackedMessages() throws Exception {
        try (InMemoryTransport t = new InMemoryTransport("t1")) {
            BlockingQueue<Incoming> got = new LinkedBlockingQueue<>();
            BlockingQueue<String> threads = new LinkedBlockingQueue<>();
            t.subscribe("$share/g/splitee/+/features", 1, m -> {
                threads.add(Thread.currentThread().getName());
                got.add(m);
            });
            t.start();
            t.deliver(InMemoryTransport.message("splitee/d1/features", bytes("a"), null));
            t.deliver(InMemoryTransport.message("splitee/d1/other", bytes("b"), null));
            Incoming m = got.poll(5, TimeUnit.SECONDS);
            assertEquals("a", new String(m.payload(), StandardCharsets.UTF_8));
            assertEquals("splitee-mqtt-t1-callback", threads.poll());
            assertEquals(2, t.unacked().size(), "the unmatched one too: nobody acknowledged it");
            t.ack(m);
            t.ack(m);
            assertEquals(1, t.unacked().size());
            assertEquals(1, t.acks());
        }
    }

    @Test
    void aResumedSessionRedeliversUnackedMessagesAsDuplicatesAndOldAcksDoNothing() throws Exception {
        try (InMemoryTransport t = new InMemoryTransport("t2")) {
            BlockingQueue<Incoming> got = new LinkedBlockingQueue<>();
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            t.subscribe("in", 1, got::add);
            t.addConnectionListener(new Transport.ConnectionListener() {
                @Override
                public void connected(boolean reconnect, boolean sessionPresent) {
                    events.add("connected " + reconnect + " " + sessionPresent);
                }

                @Override
                public void connectionLost(TransportException cause) {
                    events.add("lost " + cause.reason());
                }
            });
            t.start();
            Incoming first = t.deliver(InMemoryTransport.message("in", bytes("x"), null));
            got.poll(5, TimeUnit.SECONDS);
            t.reconnect(true);
            Incoming again = got.poll(5, TimeUnit.SECONDS);
            assertTrue(again.duplicate());
            assertTrue(again.deliveryTag() != first.deliveryTag());
            t.ack(first);
            assertEquals(1, t.unacked().size(), "an ack of the old delivery does nothing");
            t.ack(again);
            assertEquals(List.of(), t.unacked());
            assertEquals("connected false false", events.poll(5, TimeUnit.SECONDS));
            assertEquals("lost CONNECTION_LOST", events.poll(5, TimeUnit.SECONDS));
            assertEquals("connected true true", events.poll(5, TimeUnit.SECONDS));
            t.deliver(InMemoryTransport.message("in", bytes("y"), null));
            got.poll(5, TimeUnit.SECONDS);
            t.reconnect(false);
            assertEquals(List.of(), t.unacked(), "a new session forgets them");
        }
    }

    @Test
    void publishesAreRecordedFailuresInjectedAndAcksHeld() throws Exception {
        InMemoryTransport t = new InMemoryTransport("t3");
        assertEquals(TransportException.Reason.NOT_CONNECTED, reason(t.publish(Outgoing.of("a", bytes("0"), 1))));
        t.start();
        assertTrue(t.isConnected());
        t.publish(Outgoing.of("a", bytes("1"), 1)).get(5, TimeUnit.SECONDS);
        t.failPublishes(o -> o.topic().equals("b"), TransportException.Reason.PACKET_TOO_LARGE, 1);
        assertEquals(TransportException.Reason.PACKET_TOO_LARGE, reason(t.publish(Outgoing.of("b", bytes("2"), 1))));
        t.publish(Outgoing.of("b", bytes("3"), 1)).get(5, TimeUnit.SECONDS);
        t.holdPublishAcks();
        CompletableFuture<Void> held = t.publish(Outgoing.of("a", bytes("4"), 1));
        CompletableFuture<Void> lost = t.publish(Outgoing.of("a", bytes("5"), 1));
        Thread.sleep(50);
        assertFalse(held.isDone());
        assertEquals(3, t.awaitPublished("a", 3, Duration.ofSeconds(1)).size());
        t.disconnect();
        assertEquals(TransportException.Reason.CONNECTION_LOST, reason(held));
        assertEquals(TransportException.Reason.CONNECTION_LOST, reason(lost));
        assertFalse(t.isConnected());
        t.reconnect(true);
        t.holdPublishAcks();
        CompletableFuture<Void> closing = t.publish(Outgoing.of("a", bytes("6"), 1));
        t.close();
        t.close();
        assertEquals(TransportException.Reason.CLOSED, reason(closing));
        assertEquals(List.of("1", "3", "4", "5", "6"), t.published().stream()
                .map(o -> new String(o.payload(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void aStartFailureIsThrown() {
        try (InMemoryTransport t = new InMemoryTransport("t4")) {
            t.failStart(new TransportException(TransportException.Reason.CONNECT_FAILED, "refused"));
            TransportException e = assertThrows(TransportException.class, t::start);
            assertEquals(TransportException.Reason.CONNECT_FAILED, e.reason());
            assertFalse(t.isConnected());
        }
    }

    @Test
    void topicMatching() {
        assertTrue(InMemoryTransport.matches("a/+/c", "a/b/c"));
        assertTrue(InMemoryTransport.matches("a/#", "a/b/c"));
        assertTrue(InMemoryTransport.matches("$share/g/a/+", "a/b"));
        assertFalse(InMemoryTransport.matches("a/+", "a/b/c"));
        assertFalse(InMemoryTransport.matches("a/b", "a/c"));
    }

    static TransportException.Reason reason(CompletableFuture<Void> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return ((TransportException) e.getCause()).reason();
        }
    }
}
