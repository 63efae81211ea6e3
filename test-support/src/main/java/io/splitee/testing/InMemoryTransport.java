package io.splitee.testing;

import io.splitee.lifecycle.Threads;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A {@link Transport} with a broker in the same JVM, for unit tests: one client's view of a broker
 * that keeps its session.
 *
 * <ul>
 *   <li><b>Delivery.</b> {@link #deliver} hands a message to every matching subscription (shared
 *       subscriptions {@code $share/<group>/<filter>} match their filter), on one callback thread
 *       {@code splitee-mqtt-<clientId>-callback}, in order. A QoS 1 message stays unacknowledged
 *       until {@link #ack}; {@link #unacked()} lists those. Messages this client publishes are
 *       delivered to its own matching subscriptions too, as a broker would.</li>
 *   <li><b>Session resume.</b> {@link #reconnect(boolean)} with {@code sessionPresent} redelivers every
 *       unacknowledged message with the duplicate flag and a new delivery tag; an acknowledgement of
 *       the old delivery does nothing, as on a real transport. Without a session they are dropped.</li>
 *   <li><b>Publishing.</b> {@link #publish} records the message ({@link #published()}) and completes
 *       its future on {@code splitee-mqtt-<clientId>-complete}: at once, or when
 *       {@link #releasePublishAcks()} is called after {@link #holdPublishAcks()}. Not connected:
 *       {@code NOT_CONNECTED}. {@link #failPublishes} makes chosen publishes fail with a given reason.
 *       A connection lost with acknowledgements held fails those with {@code CONNECTION_LOST}.</li>
 *   <li><b>Connection.</b> {@link #start()} connects (or throws the failure set by
 *       {@link #failStart}); {@link #disconnect()} drops the connection; listeners run on
 *       {@code splitee-mqtt-<clientId>-conn}.</li>
 * </ul>
 * Thread-safe. {@link #close()} fails outstanding publishes with {@code CLOSED}; idempotent.
 */
public final class InMemoryTransport implements Transport {

    private record Subscription(String filter, int qos, MessageHandler handler) {
    }

    private record PublishFailure(Predicate<Outgoing> which, TransportException.Reason reason, int[] left) {
    }

    private final String clientId;
    private final ExecutorService callback;
    private final ExecutorService complete;
    private final ExecutorService conn;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Outgoing> published = new ArrayList<>();
    private final Map<Long, Incoming> unacked = new LinkedHashMap<>();
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private final List<PublishFailure> failures = new ArrayList<>();
    private long nextTag = 1;
    private long acks;
    private boolean holdAcks;
    private boolean started;
    private boolean connected;
    private boolean closed;
    private TransportException startFailure;
    private volatile List<Outgoing> earlier = List.of();

    /** A transport for client {@code clientId} (it names the threads). */
    public InMemoryTransport(String clientId) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        String prefix = "splitee-mqtt-" + clientId;
        this.callback = Executors.newSingleThreadExecutor(Threads.factory(prefix + "-callback", true));
        this.complete = Executors.newSingleThreadExecutor(Threads.factory(prefix + "-complete", true));
        this.conn = Executors.newSingleThreadExecutor(Threads.factory(prefix + "-conn", true));
    }

    // ------------------------------------------------------------------------------ Transport

    @Override
    public void start() throws TransportException {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            if (started) {
                return;
            }
            if (startFailure != null) {
                throw startFailure;
            }
            started = true;
            connected = true;
        }
        tellListeners(l -> l.connected(false, false));
    }

    @Override
    public void subscribe(String filter, int qos, MessageHandler handler) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(handler, "handler");
        if (qos < 0 || qos > 1) {
            throw new IllegalArgumentException("qos must be 0 or 1, got " + qos);
        }
        subscriptions.removeIf(s -> s.filter().equals(filter));
        subscriptions.add(new Subscription(filter, qos, handler));
    }

    @Override
    public CompletableFuture<Void> publish(Outgoing message) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        TransportException failure;
        boolean hold;
        synchronized (this) {
            failure = closed ? new TransportException(TransportException.Reason.CLOSED, "transport closed")
                    : !connected ? new TransportException(TransportException.Reason.NOT_CONNECTED, "not connected")
                    : injectedFailure(message);
            if (failure == null) {
                published.add(message);
                notifyAll();
            }
            hold = failure == null && holdAcks;
            if (hold) {
                held.add(f);
            }
        }
        if (failure != null) {
            TransportException e = failure;
            completeLater(() -> f.completeExceptionally(e));
            return f;
        }
        if (!hold) {
            completeLater(() -> f.complete(null));
        }
        loopBack(message);
        return f;
    }

    private TransportException injectedFailure(Outgoing m) {
        for (PublishFailure pf : failures) {
            if (pf.left()[0] != 0 && pf.which().test(m)) {
                if (pf.left()[0] > 0) {
                    pf.left()[0]--;
                }
                return new TransportException(pf.reason(), "injected failure for " + m.topic());
            }
        }
        return null;
    }

    private void loopBack(Outgoing m) {
        if (subscriptions.stream().anyMatch(s -> matches(s.filter(), m.topic()))) {
            deliver(new Incoming(m.topic(), m.payload(), Math.min(m.qos(), 1), m.retained(), false, m.contentType(),
                    m.responseTopic(), m.correlationData(), m.userProperties(), 0, m.messageExpiry()));
        }
    }

    @Override
    public synchronized void ack(Incoming message) {
        if (unacked.remove(message.deliveryTag()) != null) {
            acks++;
            notifyAll();
        }
    }

    @Override
    public synchronized boolean isConnected() {
        return connected;
    }

    @Override
    public OptionalInt brokerMaxPacketSize() {
        return OptionalInt.empty();
    }

    @Override
    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeConnectionListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> fail;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            connected = false;
            fail = new ArrayList<>(held);
            held.clear();
        }
        TransportException e = new TransportException(TransportException.Reason.CLOSED, "transport closed");
        fail.forEach(f -> completeLater(() -> f.completeExceptionally(e)));
        complete.shutdown();
        try {
            complete.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        callback.shutdownNow();
        conn.shutdownNow();
    }

    // ------------------------------------------------------------------------------ the test's side

    /**
     * Delivers a message as the broker would (QoS 1 unless the message says 0), with a fresh delivery
     * tag, to every matching subscription; a message no subscription matches is dropped, as a broker
     * without a matching subscription would.
     *
     * @return the delivered message (with its tag)
     */
    public Incoming deliver(Incoming message) {
        Incoming m;
        synchronized (this) {
            long tag = message.qos() == 0 ? 0 : nextTag++;
            m = new Incoming(message.topic(), message.payload(), message.qos(), message.retained(),
                    message.duplicate(), message.contentType(), message.responseTopic(), message.correlationData(),
                    message.userProperties(), tag, message.messageExpiry());
            if (tag != 0) {
                unacked.put(tag, m);
            }
        }
        dispatch(m);
        return m;
    }

    /**
     * Waits until every message delivered so far has been handed to its handlers (they run on the callback
     * thread, in order, after {@link #deliver} returns).
     *
     * @throws java.util.concurrent.TimeoutException if the handlers do not get through within {@code timeout}
     */
    public void awaitHandled(java.time.Duration timeout) throws Exception {
        callback.submit(() -> { }).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Delivers {@code message} as it would arrive from another client that published it. */
    public Incoming deliver(Outgoing message) {
        return deliver(new Incoming(message.topic(), message.payload(), Math.min(message.qos(), 1),
                message.retained(), false, message.contentType(), message.responseTopic(),
                message.correlationData(), message.userProperties(), 0, message.messageExpiry()));
    }

    private void dispatch(Incoming m) {
        for (Subscription s : subscriptions) {
            if (matches(s.filter(), m.topic())) {
                try {
                    callback.execute(() -> s.handler().onMessage(m));
                } catch (java.util.concurrent.RejectedExecutionException closedNow) {
                    return;
                }
            }
        }
    }

    /** Every message published so far, in order. */
    public synchronized List<Outgoing> published() {
        return List.copyOf(published);
    }

    /** The messages published to {@code topic} so far, in order. */
    public synchronized List<Outgoing> published(String topic) {
        return published.stream().filter(o -> o.topic().equals(topic)).toList();
    }

    /**
     * Waits until at least {@code n} messages were published to {@code topic}.
     *
     * @return those published so far
     * @throws TimeoutException after {@code timeout}, naming how many arrived
     */
    public synchronized List<Outgoing> awaitPublished(String topic, int n, Duration timeout)
            throws InterruptedException, TimeoutException {
        long end = System.nanoTime() + timeout.toNanos();
        while (published(topic).size() < n) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(published(topic).size() + " of " + n + " messages on " + topic);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return published(topic);
    }

    @Override
    public synchronized int unacknowledged() {
        return unacked.size();
    }

    /** The delivered QoS 1 messages not acknowledged yet, oldest first. */
    public synchronized List<Incoming> unacked() {
        return List.copyOf(unacked.values());
    }

    /** How many deliveries were acknowledged. */
    public synchronized long acks() {
        return acks;
    }

    /**
     * Waits until no delivered message is left unacknowledged.
     *
     * @throws TimeoutException after {@code timeout}, naming those left
     */
    public synchronized void awaitAllAcked(Duration timeout) throws InterruptedException, TimeoutException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!unacked.isEmpty()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(unacked.size() + " messages unacknowledged: " + unacked.values());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * Makes the next {@code count} publishes matching {@code which} fail with {@code reason}
     * (a negative count: every one, until {@link #clearPublishFailures()}).
     */
    public synchronized void failPublishes(Predicate<Outgoing> which, TransportException.Reason reason, int count) {
        failures.add(new PublishFailure(Objects.requireNonNull(which), Objects.requireNonNull(reason),
                new int[] {count}));
    }

    /** Removes every failure set by {@link #failPublishes}. */
    public synchronized void clearPublishFailures() {
        failures.clear();
    }

    /** Holds the broker's acknowledgements of publishes: their futures stay incomplete until released. */
    public synchronized void holdPublishAcks() {
        holdAcks = true;
    }

    /** Completes every held publish future and stops holding. */
    public void releasePublishAcks() {
        List<CompletableFuture<Void>> release;
        synchronized (this) {
            holdAcks = false;
            release = new ArrayList<>(held);
            held.clear();
        }
        release.forEach(f -> completeLater(() -> f.complete(null)));
    }

    /**
     * What {@link #earlierPublishes()} reports, as a client whose store an earlier, killed process left would: set
     * it before {@link #start()}.
     */
    public void leftByEarlierProcess(List<Outgoing> publishes) {
        this.earlier = List.copyOf(publishes);
    }

    @Override
    public List<Outgoing> earlierPublishes() {
        return earlier;
    }

    /** Makes {@link #start()} throw {@code failure} (null: connect normally). */
    public synchronized void failStart(TransportException failure) {
        this.startFailure = failure;
    }

    /** Drops the connection: held publishes fail with {@code CONNECTION_LOST}, listeners hear of it. */
    public void disconnect() {
        List<CompletableFuture<Void>> fail;
        synchronized (this) {
            if (!connected) {
                return;
            }
            connected = false;
            fail = new ArrayList<>(held);
            held.clear();
        }
        TransportException e = new TransportException(TransportException.Reason.CONNECTION_LOST, "connection lost");
        fail.forEach(f -> completeLater(() -> f.completeExceptionally(e)));
        tellListeners(l -> l.connectionLost(e));
    }

    /**
     * Connects again after {@link #disconnect()} (or drops and restores a live connection). With
     * {@code sessionPresent} every unacknowledged message is delivered again, duplicate flag set, with a
     * new delivery tag; without it they are forgotten.
     */
    public void reconnect(boolean sessionPresent) {
        disconnect();
        List<Incoming> again;
        synchronized (this) {
            connected = true;
            again = sessionPresent ? new ArrayList<>(unacked.values()) : List.of();
            unacked.clear();
        }
        tellListeners(l -> l.connected(true, sessionPresent));
        for (Incoming m : again) {
            deliver(new Incoming(m.topic(), m.payload(), m.qos(), m.retained(), true, m.contentType(),
                    m.responseTopic(), m.correlationData(), m.userProperties(), 0, m.messageExpiry()));
        }
    }

    private void tellListeners(java.util.function.Consumer<ConnectionListener> event) {
        try {
            conn.execute(() -> listeners.forEach(event));
        } catch (java.util.concurrent.RejectedExecutionException closedNow) {
            // closed: nobody listens any more
        }
    }

    private void completeLater(Runnable r) {
        try {
            complete.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException closedNow) {
            r.run();
        }
    }

    /** MQTT topic matching with {@code +} and {@code #}; {@code $share/<group>/} is stripped first. */
    static boolean matches(String filter, String topic) {
        String f = filter;
        if (f.startsWith("$share/")) {
            int slash = f.indexOf('/', "$share/".length());
            f = slash < 0 ? f : f.substring(slash + 1);
        }
        String[] fs = f.split("/", -1);
        String[] ts = topic.split("/", -1);
        for (int i = 0; i < fs.length; i++) {
            if (fs[i].equals("#")) {
                return true;
            }
            if (i >= ts.length || !fs[i].equals("+") && !fs[i].equals(ts[i])) {
                return false;
            }
        }
        return fs.length == ts.length;
    }

    /** A message for {@link #deliver(Incoming)}: QoS 1, the given content type (may be null). */
    public static Incoming message(String topic, byte[] payload, String contentType) {
        return new Incoming(topic, payload, 1, false, false, Optional.ofNullable(contentType), Optional.empty(),
                new byte[0], List.of(), 0);
    }
}
