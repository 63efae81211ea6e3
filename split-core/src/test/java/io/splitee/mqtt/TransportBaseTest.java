package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.testenv.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TransportBase}'s own rules, without a broker: a fake client records what the base asks of it, and the
 * test reports the client's events as an adapter would (messages from a thread standing in for the client's
 * callback thread).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TransportBaseTest {
    private final ExecutorService clientThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-client"));
    private final List<FakeTransport> made = new ArrayList<>();

    @AfterEach
    void closeAll() {
        made.forEach(FakeTransport::close);
        clientThread.shutdownNow();
    }

    private FakeTransport transport(MqttSettings.Builder b, boolean clientResubscribes) {
        FakeTransport t = new FakeTransport(b.build(), clientResubscribes);
        made.add(t);
        return t;
    }

    private static MqttSettings.Builder settings() {
        return MqttSettings.builder("fake", "tcp://127.0.0.1:1").operationTimeout(Duration.ofSeconds(2))
                .backpressureTimeout(Duration.ofMillis(50));
    }

    /** The client delivers a message, on its own thread, and the base dispatches it there. */
    private void deliver(FakeTransport t, String topic, int qos) throws Exception {
        clientThread.submit(() -> t.deliver(topic, qos)).get(5, TimeUnit.SECONDS);
    }

    private static TransportException failure(CompletableFuture<Void> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(TransportException.class, e.getCause());
    }

    @Test
    void startSubscribesWhatWasRegisteredAndTellsTheListeners() throws Exception {
        FakeTransport t = transport(settings(), false);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        t.addConnectionListener(new Listener(events));
        t.subscribe("a/+", 1, m -> { });
        t.subscribe("b/#", 0, m -> { });
        assertEquals(List.of(), t.subscribes, "nothing is sent before start");
        t.start();
        t.start(); // idempotent
        assertEquals(List.of(List.of("a/+", "b/#")), t.subscribes);
        assertEquals("connected reconnect=false sessionPresent=false", events.poll(5, TimeUnit.SECONDS));
        t.subscribe("c", 1, m -> { });
        assertEquals(List.of("c"), t.subscribes.get(1), "a filter registered while connected is sent at once");
    }

    @Test
    void aRefusedSubscriptionFailsTypedAndTheOldHandlerStays() throws Exception {
        FakeTransport t = transport(settings(), false);
        List<String> got = new CopyOnWriteArrayList<>();
        t.subscribe("refused/x", 1, m -> got.add("old"));
        t.refuse = true;
        assertThrows(TransportException.class, t::start, "start fails when a registered filter is refused");
        assertFalse(t.isConnected());
        t.refuse = false;
        t.start();
        t.refuse = true;
        TransportException e = assertThrows(TransportException.class, () -> t.subscribe("refused/x", 1, m -> got.add("new")));
        assertEquals(TransportException.Reason.REJECTED, e.reason());
        assertTrue(e.getMessage().contains("0x87"), e.getMessage());
        deliver(t, "refused/x", 0);
        assertEquals(List.of("old"), got);
    }

    @Test
    void aMessageIsAcknowledgedOnceEveryMatchingHandlerAckedIt() throws Exception {
        FakeTransport t = transport(settings(), false);
        BlockingQueue<Incoming> inbox = new LinkedBlockingQueue<>();
        t.subscribe("s/+", 1, inbox::add);
        t.subscribe("s/#", 1, inbox::add);
        t.start();
        deliver(t, "s/1", 1);
        Incoming first = inbox.take();
        Incoming second = inbox.take();
        assertEquals(first.deliveryTag(), second.deliveryTag());
        t.ack(first);
        assertEquals(List.of(), t.acknowledged, "one of two handlers acked");
        t.ack(second);
        assertEquals(List.of("s/1"), t.acknowledged);
        t.ack(second);
        assertEquals(List.of("s/1"), t.acknowledged, "an ack of an acked message does nothing");
    }

    @Test
    void anAckAfterItsConnectionEndedIsNotSentButAbandoned() throws Exception {
        FakeTransport t = transport(settings(), false);
        BlockingQueue<Incoming> inbox = new LinkedBlockingQueue<>();
        t.subscribe("s", 1, inbox::add);
        t.start();
        deliver(t, "s", 1);
        deliver(t, "s", 1);
        Incoming early = inbox.take();
        Incoming late = inbox.take();
        t.endConnection();
        assertEquals(List.of("s", "s"), t.abandoned, "the connection's end abandons what is unacknowledged");
        t.connected = true;
        t.ack(early);
        t.ack(late);
        assertEquals(List.of(), t.acknowledged, "acks of an earlier connection's messages are not sent");
    }

    @Test
    void unmatchedMessagesAndFailingHandlersAreCountedAndNotAcknowledged() throws Exception {
        FakeTransport t = transport(settings(), false);
        t.subscribe("s", 1, m -> {
            throw new IllegalStateException("handler bug");
        });
        t.start();
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN, LogCapture.Level.ERROR), FakeTransport.class)) {
            deliver(t, "other", 1);
            deliver(t, "s", 1);
            assertEquals(1, log.count(LogCapture.Level.WARN, "message on 'other' matches no registered subscription"),
                    log.toString());
            assertEquals(1, log.count(LogCapture.Level.ERROR, "handler for 's' failed"), log.toString());
            assertEquals(2, log.entries().size(), log.toString());
            assertEquals("java.lang.IllegalStateException: handler bug", log.entries().get(1).trace().get(0));
        }
        assertEquals(1, t.unmatchedMessages());
        assertEquals(1, t.handlerFailures());
        assertEquals(List.of(), t.acknowledged);
    }

    @Test
    void everyReconnectResubscribesEverythingWhetherOrNotTheSessionWasResumed() throws Exception {
        FakeTransport t = transport(settings(), false);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        t.addConnectionListener(new Listener(events));
        t.subscribe("a", 1, m -> { });
        t.start();
        events.take();
        t.endConnection();
        t.subscribe("registered-while-down", 1, m -> { });
        t.connected = true;
        t.reconnect(true);
        assertEquals(List.of("a", "registered-while-down"), t.subscribes.get(1),
                "a resumed session is not trusted to hold its subscriptions");
        assertEquals(1, t.resubscriptions());
        t.reconnect(false);
        assertEquals(List.of("a", "registered-while-down"), t.subscribes.get(2));
        assertEquals(2, t.resubscriptions());
        assertEquals("connected reconnect=true sessionPresent=true", events.poll(5, TimeUnit.SECONDS));
        assertEquals("connected reconnect=true sessionPresent=false", events.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aClientThatResubscribesItselfIntoANewSessionIsResubscribedByTheBaseIntoAResumedOne() throws Exception {
        FakeTransport t = transport(settings(), true);
        t.subscribe("a", 1, m -> { });
        t.start();
        t.endConnection();
        t.connected = true;
        t.reconnect(true);
        assertEquals(0, t.barriers);
        assertEquals(List.of(List.of("a"), List.of("a")), t.subscribes);
        assertEquals(1, t.resubscriptions());
    }

    @Test
    void aClientThatResubscribesItselfGetsTheBarrierAndOnlyTheNewFilters() throws Exception {
        FakeTransport t = transport(settings(), true);
        t.subscribe("a", 1, m -> { });
        t.start();
        t.endConnection();
        t.subscribe("new", 1, m -> { });
        t.connected = true;
        t.reconnect(false);
        assertEquals(1, t.barriers);
        assertEquals(List.of(List.of("a"), List.of("new")), t.subscribes);
        assertEquals(1, t.resubscriptions());
    }

    @Test
    void publishChecksBeforeHandingTheMessageToTheClient() throws Exception {
        FakeTransport t = transport(settings().maxPacketSize(100).maxInFlight(1), false);
        assertEquals(TransportException.Reason.NOT_CONNECTED,
                failure(t.publish(Outgoing.of("a", new byte[1], 1))).reason());
        t.start();
        TransportException tooLarge = failure(t.publish(Outgoing.of("a", new byte[200], 1)));
        assertEquals(TransportException.Reason.PACKET_TOO_LARGE, tooLarge.reason());
        assertTrue(tooLarge.getMessage().contains("configured maxPacketSize"), tooLarge.getMessage());
        CompletableFuture<Void> first = t.publish(Outgoing.of("a", new byte[1], 1));
        assertEquals(1, t.inFlight());
        assertEquals(TransportException.Reason.BACKPRESSURE,
                failure(t.publish(Outgoing.of("a", new byte[1], 1))).reason());
        t.published.get(0).succeeded();
        first.get(5, TimeUnit.SECONDS);
        assertEquals(0, t.inFlight());
        assertEquals(1, t.inFlightPeak());
        CompletableFuture<Void> pending = t.publish(Outgoing.of("a", new byte[1], 1));
        t.close();
        t.close();
        assertEquals(TransportException.Reason.CLOSED, failure(pending).reason());
        assertEquals(TransportException.Reason.CLOSED, failure(t.publish(Outgoing.of("a", new byte[1], 1))).reason());
        assertThrows(IllegalStateException.class, t::start);
    }

    /**
     * Issue 20: a QoS 2 publish whose PUBREC came before its connection ended is decided by the next CONNACK. The
     * client's success that comes first (Paho: the PUBCOMP of the PUBREL it resends into any session) is held;
     * a CONNACK without a session fails it {@code SESSION_LOST}. One whose PUBREC had not come is the client's
     * (it resends the PUBLISH), and one completed before the loss is done.
     */
    @Test
    void aQos2PublishWhosePubrecCameBeforeTheLossFailsSessionLostWhenTheBrokerHasNoSession() throws Exception {
        FakeTransport t = transport(settings().cleanStart(false).sessionExpiry(Duration.ofMinutes(5)), false);
        t.start();
        CompletableFuture<Void> released = t.publish(Outgoing.of("a", new byte[1], 2));
        CompletableFuture<Void> unreleased = t.publish(Outgoing.of("a", new byte[1], 2));
        CompletableFuture<Void> completed = t.publish(Outgoing.of("a", new byte[1], 2));
        TransportBase.PendingPublish r = t.published.get(0);
        TransportBase.PendingPublish u = t.published.get(1);
        TransportBase.PendingPublish c = t.published.get(2);
        r.pubrecReceived();
        c.pubrecReceived();
        c.succeeded(); // its PUBCOMP came on the same connection
        completed.get(5, TimeUnit.SECONDS);
        t.endConnection();
        assertTrue(r.interrupted(": lost", null));
        assertTrue(u.interrupted(": lost", null));
        r.succeeded(); // the PUBCOMP of the resent PUBREL, before the transport saw the CONNACK
        assertEquals(2, t.inFlight(), "held: it is not done yet");
        t.reconnect(false);
        TransportException lost = failure(released);
        assertEquals(TransportException.Reason.SESSION_LOST, lost.reason());
        assertTrue(lost.getMessage().contains("PUBREC"), lost.getMessage());
        r.succeeded(); // Paho: the resent PUBREL's PUBCOMP after the CONNACK; the HiveMQ client: the session's end
        assertEquals(TransportException.Reason.SESSION_LOST, failure(released).reason());
        assertEquals(1, t.inFlight(), "the one without a PUBREC is the client's to resend");
        u.succeeded(); // the resend, taken by the new session as a new message
        unreleased.get(5, TimeUnit.SECONDS);
        assertEquals(0, t.inFlight());
    }

    /**
     * Where the CONNACK says the session resumed, a held success is released at once and a publish still waiting
     * for its PUBCOMP completes with it; Paho learns of the PUBREC only from its store, after the loss.
     */
    @Test
    void aQos2PublishWhosePubrecCameBeforeTheLossCompletesInTheResumedSession() throws Exception {
        FakeTransport t = transport(settings().cleanStart(false).sessionExpiry(Duration.ofMinutes(5)), false);
        t.start();
        CompletableFuture<Void> first = t.publish(Outgoing.of("a", new byte[1], 2));
        CompletableFuture<Void> second = t.publish(Outgoing.of("a", new byte[1], 2));
        CompletableFuture<Void> rejected = t.publish(Outgoing.of("a", new byte[1], 2));
        TransportBase.PendingPublish a = t.published.get(0);
        TransportBase.PendingPublish b = t.published.get(1);
        TransportBase.PendingPublish r = t.published.get(2);
        a.pubrecReceived();
        r.pubrecReceived();
        t.endConnection();
        a.interrupted(": lost", null);
        b.interrupted(": lost", null);
        r.interrupted(": lost", null);
        b.pubrecReceived(); // as the Paho adapter finds it in the store before reconnecting
        a.succeeded();
        r.rejected(" with reason code 0x92", null);
        assertEquals(3, t.inFlight(), "both outcomes held");
        t.reconnect(true);
        first.get(5, TimeUnit.SECONDS);
        assertEquals(TransportException.Reason.REJECTED, failure(rejected).reason());
        assertEquals(1, t.inFlight(), "the second waits for its PUBCOMP");
        b.succeeded();
        second.get(5, TimeUnit.SECONDS);
        assertEquals(0, t.inFlight());
    }

    /**
     * A publish kept across a loss whose PUBREC had not come, resent into the resumed session: the PUBREC of the
     * resend belongs to the new connection, so its PUBCOMP completes it at once (nothing waits for a CONNACK that
     * came already); only a further loss before that PUBCOMP makes it wait again.
     */
    @Test
    void aPubrecOfTheResendInTheResumedSessionHoldsNothing() throws Exception {
        FakeTransport t = transport(settings().cleanStart(false).sessionExpiry(Duration.ofMinutes(5)), false);
        t.start();
        CompletableFuture<Void> first = t.publish(Outgoing.of("a", new byte[1], 2));
        CompletableFuture<Void> second = t.publish(Outgoing.of("a", new byte[1], 2));
        TransportBase.PendingPublish a = t.published.get(0);
        TransportBase.PendingPublish b = t.published.get(1);
        t.endConnection();
        a.interrupted(": lost", null);
        b.interrupted(": lost", null);
        t.reconnect(true);
        a.pubrecReceived(); // the resend's
        a.succeeded();
        first.get(5, TimeUnit.SECONDS);
        b.pubrecReceived();
        t.endConnection();
        b.interrupted(": lost again", null);
        b.succeeded(); // before the next CONNACK: held
        assertEquals(1, t.inFlight());
        t.reconnect(false);
        assertEquals(TransportException.Reason.SESSION_LOST, failure(second).reason());
    }

    @Test
    void theCallbackThreadMayNotSubscribeCloseOrWaitForTheWindow() throws Exception {
        FakeTransport t = transport(settings().maxInFlight(1).backpressureTimeout(Duration.ofSeconds(5)), false);
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        t.subscribe("s", 0, m -> {
            seen.add(assertThrows(IllegalStateException.class, () -> t.subscribe("x", 0, n -> { })));
            seen.add(assertThrows(IllegalStateException.class, t::close));
            long begin = System.nanoTime();
            seen.add(t.publish(Outgoing.of("a", new byte[1], 1)).handle((v, e) -> e).join());
            seen.add(System.nanoTime() - begin < Duration.ofSeconds(1).toNanos());
        });
        t.start();
        t.publish(Outgoing.of("a", new byte[1], 1));
        deliver(t, "s", 0);
        seen.take();
        seen.take();
        TransportException full = assertInstanceOf(TransportException.class, seen.take());
        assertEquals(TransportException.Reason.BACKPRESSURE, full.reason());
        assertEquals(true, seen.take(), "it fails at once instead of waiting");
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        FakeTransport t = transport(settings().reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(500)), false);
        assertEquals(Duration.ofMillis(100), t.backoff(0));
        assertEquals(Duration.ofMillis(200), t.backoff(1));
        assertEquals(Duration.ofMillis(400), t.backoff(2));
        assertEquals(Duration.ofMillis(500), t.backoff(3));
        assertEquals(Duration.ofMillis(500), t.backoff(40));
    }

    @Test
    void closeEndsTheTransportsThreads() throws Exception {
        FakeTransport t = transport(settings(), false);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        t.addConnectionListener(new Listener(events));
        t.start();
        events.take(); // on -conn
        CompletableFuture<Void> f = t.publish(Outgoing.of("a", new byte[1], 1));
        t.published.get(0).succeeded();
        f.get(5, TimeUnit.SECONDS); // on -complete
        assertTrue(TransportContract.threadsNamed("splitee-mqtt-fake-").size() >= 2, TransportContract.threadsNamed("splitee-mqtt-fake-").toString());
        t.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!TransportContract.threadsNamed("splitee-mqtt-fake-").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(), TransportContract.threadsNamed("splitee-mqtt-fake-"));
    }

    private record Listener(BlockingQueue<String> events) implements Transport.ConnectionListener {
        @Override
        public void connected(boolean reconnect, boolean sessionPresent) {
            events.add("connected reconnect=" + reconnect + " sessionPresent=" + sessionPresent);
        }

        @Override
        public void connectionLost(TransportException cause) {
            events.add("lost " + cause.reason());
        }
    }

    /** A client that records what the base asks of it. */
    private static final class FakeTransport extends TransportBase {
        final List<List<String>> subscribes = new CopyOnWriteArrayList<>();
        final List<String> acknowledged = new CopyOnWriteArrayList<>();
        final List<String> abandoned = new CopyOnWriteArrayList<>();
        final List<PendingPublish> published = new CopyOnWriteArrayList<>();
        final boolean resubscribesItself;
        volatile boolean connected;
        volatile boolean refuse;
        volatile int barriers;

        FakeTransport(MqttSettings settings, boolean resubscribesItself) {
            super(settings, false);
            this.resubscribesItself = resubscribesItself;
        }

        void deliver(String topic, int qos) {
            received(topic, qos, tag -> new Incoming(topic, new byte[0], qos, false, false, Optional.empty(),
                    Optional.empty(), new byte[0], List.of(), tag), new Delivery() {
                        @Override
                        public void acknowledge() {
                            acknowledged.add(topic);
                        }

                        @Override
                        public void abandon() {
                            abandoned.add(topic);
                        }
                    });
        }

        void endConnection() {
            connected = false;
            connectionEnded();
        }

        void reconnect(boolean sessionPresent) throws TransportException {
            connAck(sessionPresent, 0, 0);
            reconnected(sessionPresent);
        }

        @Override
        protected boolean connect() {
            connected = true;
            connAck(false, 0, 0);
            return false;
        }

        @Override
        protected CompletableFuture<SubAck> subscribe(List<Subscription> subs) {
            subscribes.add(subs.stream().map(Subscription::filter).toList());
            return CompletableFuture.completedFuture(new SubAck(
                    subs.stream().map(s -> refuse && s.filter().startsWith("refused") ? 0x87 : s.qos()).toList(),
                    Optional.of("not authorised")));
        }

        @Override
        protected void publish(Outgoing message, PendingPublish pending, long deadline) {
            published.add(pending);
        }

        @Override
        protected boolean clientConnected() {
            return connected;
        }

        @Override
        protected void disconnect() {
            connected = false;
        }

        @Override
        protected void abandon() {
            connected = false;
        }

        @Override
        protected String describe(Throwable e) {
            return "fake client: " + e;
        }

        @Override
        protected TransportException.Reason reasonFor(Throwable e) {
            return TransportException.Reason.FAILED;
        }

        @Override
        protected boolean clientResubscribes() {
            return resubscribesItself;
        }

        @Override
        protected void awaitResubscribed() {
            barriers++;
        }
    }
}
