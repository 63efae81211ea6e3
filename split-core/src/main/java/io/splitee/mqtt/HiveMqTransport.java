package io.splitee.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.exceptions.ConnectionClosedException;
import com.hivemq.client.mqtt.exceptions.ConnectionFailedException;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.exceptions.MqttEncodeException;
import com.hivemq.client.mqtt.exceptions.MqttSessionExpiredException;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5MessageException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5UnsubAckException;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckRestrictions;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.reactivex.disposables.Disposable;
import io.reactivex.schedulers.Schedulers;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} on the HiveMQ MQTT client 1.3 ({@link Mqtt5AsyncClient}, Netty underneath). What it
 * adds to that client, and why:
 * <ul>
 * <li>Threads: one Netty event loop on our thread {@code splitee-mqtt-<clientId>-netty}; messages are
 *     taken from it by one global, manually acknowledged publish flow and handed, in order, to
 *     {@code -callback}, the single thread every {@link MessageHandler} runs on; publish and subscribe
 *     futures complete on {@code -complete} (the client's application scheduler); connection listeners
 *     and resubscriptions run on {@code -conn}.</li>
 * <li>Acknowledgements: the client sends PUBACKs in the order the messages arrived (MQTT 5
 *     [MQTT-4.6.0-2]) and keeps every message queued until it is acknowledged, across reconnects. A
 *     message that is never acknowledged would therefore hold back every later acknowledgement for good.
 *     So when a connection ends, every message of it that is still unacknowledged is released to the
 *     client (which sends nothing for a message of a closed connection; the broker redelivers it).</li>
 * <li>Reconnects: the client's own reconnect, driven from its disconnected listener with our exponential
 *     back-off, keeps the session, the global flow and the client's subscriptions (it resubscribes into
 *     a new session itself, but gives no signal when the broker has granted them). So before telling the
 *     connection listeners of a reconnect into a new session we send one UNSUBSCRIBE of a filter nobody
 *     subscribes, after the client's own SUBSCRIBE on the same connection, and wait for its UNSUBACK: the
 *     broker handles a connection's packets in order, so the subscriptions are in place by then (without
 *     this barrier a message published right after the reconnect could reach the broker first and be
 *     lost; a CI run did that). Filters registered while disconnected are subscribed by us on the next
 *     connection. Every CONNACK gives session-present, Receive Maximum and Maximum Packet Size.</li>
 * <li>Publishes: an {@link InFlightWindow} bounds them as for Paho (the client's send maximum is set to
 *     the same bound, so it never queues a publish out of sight), sizes are checked against the packet
 *     limit before sending ({@link PublishPacket}), and a connection loss fails the outstanding ones with
 *     {@code CONNECTION_LOST} (the client would keep them and resend them into a resumed session, which it
 *     still does).</li>
 * </ul>
 */
final class HiveMqTransport implements Transport, TransportCounters {
    private static final Logger log = LoggerFactory.getLogger(HiveMqTransport.class);
    private static final int NO_RECEIVE_MAXIMUM = 65_535;
    private static final Duration CONNECT_SLACK = Duration.ofSeconds(2);
    /** The largest Receive Maximum (MQTT 5): what a transport announces once a broker has overrun its own. */
    static final int RAISED_RECEIVE_MAXIMUM = 65_535;

    private final MqttSettings settings;
    private final String threadPrefix;
    private final InFlightWindow window;
    private final Object lifecycle = new Object();
    private final Object subscriptionLock = new Object();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ConnectionListeners listeners = new ConnectionListeners(log);
    private final Set<PendingPublish> pendingPublishes = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Long, PendingAck> pendingAcks = new ConcurrentHashMap<>();
    private final AtomicLong deliveryTags = new AtomicLong();
    private final AtomicLong resubscriptions = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private final Object firstConnection = new Object();

    private volatile Connection connection;
    private volatile ExecutorService connThread;
    private volatile ExecutorService callbackExecutor;
    private volatile ExecutorService completionExecutor;
    private volatile Thread callbackThread;
    private volatile Thread completionThread;
    private volatile boolean started;
    /** Set once a CONNACK is handled (window and packet limits known); see PahoTransport. */
    private volatile boolean publishable;
    private volatile boolean connecting;
    private volatile boolean closed;
    private volatile OptionalInt brokerMaxPacketSize = OptionalInt.empty();

    HiveMqTransport(MqttSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (settings.client() != MqttSettings.Client.HIVEMQ) {
            throw new IllegalArgumentException("settings.client is " + settings.client() + ", not HIVEMQ");
        }
        this.threadPrefix = "splitee-mqtt-" + settings.clientId();
        this.window = new InFlightWindow(settings.maxInFlight());
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() throws TransportException {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("transport " + settings.clientId() + " is closed");
            }
            if (started) {
                return;
            }
            connThread = Executors.newSingleThreadExecutor(named(threadPrefix + "-conn", null));
            callbackExecutor = Executors.newSingleThreadExecutor(named(threadPrefix + "-callback",
                    t -> callbackThread = t));
            completionExecutor = Executors.newSingleThreadExecutor(named(threadPrefix + "-complete",
                    t -> completionThread = t));
            Connection conn;
            try {
                conn = new Connection();
            } catch (IllegalArgumentException e) {
                abandon(null);
                throw new TransportException(TransportException.Reason.CONNECT_FAILED,
                        "cannot create an MQTT client for " + settings.serverUri() + ": " + e.getMessage(), e);
            }
            connection = conn;
            connecting = true;
            try {
                Mqtt5ConnAck connAck = conn.connect();
                sendSubscribe(conn, List.copyOf(subscriptions));
                started = true;
                boolean sessionPresent = connAck.isSessionPresent();
                notifyListeners(l -> l.connected(false, sessionPresent));
            } catch (TransportException | RuntimeException e) {
                abandon(conn);
                throw e;
            } finally {
                connecting = false;
                signalFirstConnection();
            }
        }
    }

    private void signalFirstConnection() {
        synchronized (firstConnection) {
            firstConnection.notifyAll();
        }
    }

    /** As in PahoTransport: publishes made while start() is connecting wait for the first CONNACK. */
    private void awaitFirstConnection() {
        Thread me = Thread.currentThread();
        if (me == callbackThread || me == completionThread || isNettyThread(me)) {
            return;
        }
        long deadline = System.nanoTime() + settings.connectTimeout().plus(CONNECT_SLACK).toNanos();
        synchronized (firstConnection) {
            while (connecting && !publishable && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(firstConnection, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean isNettyThread(Thread t) {
        return t.getName().startsWith(threadPrefix + "-netty");
    }

    /** Undoes a failed start so that start() can be tried again. */
    private void abandon(Connection conn) {
        connection = null;
        publishable = false;
        if (conn != null) {
            conn.abandon();
        }
        shutdown(connThread);
        shutdown(callbackExecutor);
        shutdown(completionExecutor);
        connThread = null;
        callbackExecutor = null;
        completionExecutor = null;
        pendingAcks.clear();
    }

    @Override
    public void close() {
        if (Thread.currentThread() == callbackThread) {
            throw new IllegalStateException("close() must not be called from a message handler");
        }
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Connection conn = connection;
        if (conn != null) {
            conn.close();
        }
        for (PendingPublish p : List.copyOf(pendingPublishes)) {
            p.finish(new TransportException(TransportException.Reason.CLOSED,
                    "transport closed before the broker acknowledged the publish to '" + p.topic + "'"));
        }
        pendingAcks.clear();
        ExecutorService conns = connThread;
        if (conns != null) {
            conns.shutdown();
            if (!Thread.currentThread().getName().startsWith(threadPrefix + "-conn")) {
                awaitTermination(conns, Duration.ofSeconds(2));
            }
        }
        ExecutorService callbacks = callbackExecutor;
        if (callbacks != null) {
            callbacks.shutdownNow(); // messages not yet handed to a handler stay unacknowledged with the broker
            awaitTermination(callbacks, Duration.ofSeconds(2));
        }
        ExecutorService completions = completionExecutor;
        if (completions != null) {
            completions.shutdown();
            awaitTermination(completions, Duration.ofSeconds(2));
        }
        started = false;
    }

    // ---------------------------------------------------------------- subscribe / ack

    @Override
    public void subscribe(String filter, int qos, MessageHandler handler) throws TransportException {
        if (Thread.currentThread() == callbackThread) {
            throw new IllegalStateException("subscribe() must not be called from a message handler");
        }
        TopicFilter parsed = TopicFilter.parse(filter);
        if (qos < 0 || qos > 1) {
            throw new IllegalArgumentException("subscription qos must be 0 or 1, got " + qos
                    + " (QoS 2 is not offered: Paho 1.2.5, the other implementation, delivers it twice)");
        }
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("transport " + settings.clientId() + " is closed");
        }
        Subscription sub = new Subscription(parsed, qos, handler);
        Subscription previous = null;
        synchronized (subscriptionLock) {
            for (Subscription s : subscriptions) {
                if (s.filter.filter().equals(parsed.filter())) {
                    previous = s;
                    subscriptions.remove(s);
                    break;
                }
            }
            subscriptions.add(sub);
        }
        Connection conn = connection;
        if (started && conn != null && conn.isConnected()) {
            try {
                sendSubscribe(conn, List.of(sub));
            } catch (TransportException e) {
                synchronized (subscriptionLock) {
                    subscriptions.remove(sub);
                    if (previous != null) {
                        subscriptions.add(previous);
                    }
                }
                throw e;
            }
        }
    }

    private void sendSubscribe(Connection conn, List<Subscription> subs) throws TransportException {
        if (subs.isEmpty()) {
            return;
        }
        List<Mqtt5Subscription> wire = new ArrayList<>(subs.size());
        for (Subscription s : subs) {
            wire.add(Mqtt5Subscription.builder().topicFilter(s.filter.filter()).qos(HiveMqMessages.qos(s.qos)).build());
        }
        Mqtt5Subscribe subscribe = Mqtt5Subscribe.builder().addSubscriptions(wire).build();
        String names = subs.stream().map(s -> "'" + s.filter + "'").reduce((a, b) -> a + ", " + b).orElse("");
        Mqtt5SubAck subAck;
        try {
            subAck = conn.client.subscribe(subscribe).get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TransportException(TransportException.Reason.TIMEOUT, "no SUBACK from " + settings.serverUri()
                    + " for " + names + " within " + settings.operationTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(TransportException.Reason.FAILED, "interrupted while subscribing to " + names);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (!(cause instanceof Mqtt5SubAckException se)) {
                throw new TransportException(reasonFor(cause), "cannot subscribe to " + names + " at "
                        + settings.serverUri() + ": " + describe(cause), cause);
            }
            subAck = se.getMqttMessage();
        }
        List<Mqtt5SubAckReasonCode> codes = subAck.getReasonCodes();
        for (int i = 0; i < subs.size(); i++) {
            Mqtt5SubAckReasonCode code = i < codes.size() ? codes.get(i) : Mqtt5SubAckReasonCode.GRANTED_QOS_0;
            if (code.isError()) {
                throw new TransportException(TransportException.Reason.REJECTED, "broker " + settings.serverUri()
                        + " refused the subscription to '" + subs.get(i).filter + "' with reason code 0x"
                        + Integer.toHexString(code.getCode()) + " " + code
                        + subAck.getReasonString().map(r -> " (" + r + ")").orElse(""));
            }
        }
        for (Subscription s : subs) {
            s.sent = true;
        }
    }

    @Override
    public void ack(Incoming message) {
        Objects.requireNonNull(message, "message");
        long tag = message.deliveryTag();
        if (tag == 0 || message.qos() == 0) {
            return;
        }
        PendingAck p = pendingAcks.get(tag);
        if (p == null) {
            log.debug("ack of delivery {} on '{}' ignored: already acked or from an earlier connection",
                    tag, message.topic());
            return;
        }
        if (p.remaining.decrementAndGet() > 0 || !pendingAcks.remove(tag, p)) {
            return;
        }
        p.release();
    }

    // ---------------------------------------------------------------- publish

    @Override
    public CompletableFuture<Void> publish(Outgoing message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            return failed(TransportException.Reason.CLOSED, "transport " + settings.clientId() + " is closed");
        }
        if (!(started || publishable) && connecting) {
            awaitFirstConnection();
        }
        Connection conn = connection;
        if (!(started || publishable) || conn == null) {
            return failed(TransportException.Reason.NOT_CONNECTED,
                    "transport " + settings.clientId() + " is not started; nothing was sent");
        }
        long size = PublishPacket.encodedSize(message);
        Optional<String> tooLarge = PacketLimit.tooLarge(message, size, brokerMaxPacketSize, settings.maxPacketSize());
        if (tooLarge.isPresent()) {
            return failed(TransportException.Reason.PACKET_TOO_LARGE, tooLarge.get());
        }
        if (!conn.isConnected()) {
            return failed(TransportException.Reason.NOT_CONNECTED, "not connected to " + settings.serverUri()
                    + " (reconnecting); nothing was sent to '" + message.topic() + "'");
        }
        Mqtt5Publish publish;
        try {
            publish = HiveMqMessages.toHiveMq(message);
        } catch (RuntimeException e) {
            return failed(TransportException.Reason.FAILED,
                    "cannot encode the publish to '" + message.topic() + "': " + describe(e));
        }
        Thread me = Thread.currentThread();
        boolean mustNotWait = me == callbackThread || me == completionThread || isNettyThread(me);
        Duration wait = mustNotWait ? Duration.ZERO : settings.backpressureTimeout();
        try {
            if (!window.acquire(wait)) {
                return failed(TransportException.Reason.BACKPRESSURE, "in-flight window full: " + window.inFlight()
                        + " of " + window.limit() + " publishes await acknowledgement after waiting " + wait
                        + (mustNotWait ? " (an MQTT client thread cannot wait)" : "")
                        + "; nothing was sent to '" + message.topic() + "'");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(TransportException.Reason.FAILED,
                    "interrupted while waiting for an in-flight slot; nothing was sent to '" + message.topic() + "'");
        }
        PendingPublish pending = new PendingPublish(message.topic());
        pendingPublishes.add(pending);
        if (closed) {
            pending.finish(new TransportException(TransportException.Reason.CLOSED,
                    "transport closed; nothing was sent to '" + message.topic() + "'"));
            return pending.future;
        }
        try {
            conn.client.publish(publish).whenComplete(pending::onResult);
        } catch (RuntimeException e) {
            pending.finish(new TransportException(TransportException.Reason.FAILED,
                    "publish to '" + message.topic() + "' failed: " + describe(e), e));
        }
        return pending.future;
    }

    // ---------------------------------------------------------------- state

    @Override
    public boolean isConnected() {
        Connection conn = connection;
        return !closed && conn != null && conn.isConnected();
    }

    @Override
    public OptionalInt brokerMaxPacketSize() {
        return brokerMaxPacketSize;
    }

    @Override
    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    @Override
    public int inFlightPeak() {
        return window.peak();
    }

    @Override
    public int inFlight() {
        return window.inFlight();
    }

    @Override
    public int inFlightLimit() {
        return window.limit();
    }

    /** Whether the client's end of the flow of incoming messages reached the transport (tests). */
    boolean sawIncomingEnd() {
        Connection c = connection;
        return c != null && c.incomingEnded.getCount() == 0;
    }

    @Override
    public long resubscriptions() {
        return resubscriptions.get();
    }

    @Override
    public long unmatchedMessages() {
        return unmatched.get();
    }

    @Override
    public long handlerFailures() {
        return handlerFailures.get();
    }

    /** Whether the broker overran our Receive Maximum, so that reconnects announce the largest one. */
    boolean receiveMaximumRaised() {
        Connection conn = connection;
        return conn != null && conn.receiveMaximumRaised;
    }

    // ---------------------------------------------------------------- incoming

    /**
     * The global flow's callback, on the Netty thread, in the order the messages were read: the same
     * thread reports the connection's end, so a message is known to belong to the connection it came on.
     */
    private void onPublish(Connection conn, Mqtt5Publish publish) {
        try {
            long tag = 0;
            PendingAck pending = null;
            if (publish.getQos().getCode() > 0) {
                tag = deliveryTags.incrementAndGet();
                pending = new PendingAck(publish);
                pendingAcks.put(tag, pending);
            }
            long deliveryTag = tag;
            PendingAck forDispatch = pending;
            ExecutorService callbacks = callbackExecutor;
            if (callbacks == null || conn.abandoned) {
                return;
            }
            callbacks.execute(() -> dispatch(publish, deliveryTag, forDispatch));
        } catch (RejectedExecutionException e) {
            log.debug("message on '{}' not dispatched: transport closing; the broker keeps it", publish.getTopic());
        } catch (RuntimeException e) {
            log.error("taking a message on '{}' failed; it stays unacknowledged", publish.getTopic(), e);
        }
    }

    /**
     * The client ends the flow when the session ends: with our own DISCONNECT on close (with a zero session
     * expiry), which is expected, or otherwise, which means no more messages.
     */
    private void onIncomingEnded(Connection conn, Throwable e) {
        if (closed || conn.abandoned) {
            log.debug("{}: the flow of incoming messages ended on close ({})", settings.clientId(), describe(e));
            return;
        }
        log.error("{}: the HiveMQ client ended the flow of incoming messages ({}); no more messages are delivered",
                settings.clientId(), describe(e));
    }

    /** On the callback thread. */
    private void dispatch(Mqtt5Publish publish, long tag, PendingAck pending) {
        String topic = publish.getTopic().toString();
        List<Subscription> matches = new ArrayList<>(1);
        for (Subscription s : subscriptions) {
            if (s.filter.matches(topic)) {
                matches.add(s);
            }
        }
        if (matches.isEmpty()) {
            unmatched.incrementAndGet();
            log.warn("{}: message on '{}' matches no registered subscription; left unacknowledged (the HiveMQ client "
                    + "acknowledges in order, so later messages wait for the next connection too)",
                    settings.clientId(), topic);
            return;
        }
        Incoming incoming;
        try {
            incoming = HiveMqMessages.toIncoming(publish, tag);
        } catch (RuntimeException e) {
            log.error("cannot convert the message on '{}'; it stays unacknowledged", topic, e);
            return;
        }
        if (pending != null) {
            pending.remaining.set(matches.size());
        }
        for (Subscription s : matches) {
            try {
                s.handler.onMessage(incoming);
            } catch (RuntimeException e) {
                handlerFailures.incrementAndGet();
                log.error("handler for '{}' failed on a message on '{}'; it is not acknowledged and the broker "
                        + "redelivers it when the session resumes (with the HiveMQ client, later messages wait for "
                        + "that too)", s.filter, topic, e);
            }
        }
    }

    // ---------------------------------------------------------------- connection handling

    /** On the Netty thread, for every CONNACK (first connection and reconnects). */
    private void onConnected(Connection conn, MqttClientConnectedContext context) {
        int n = conn.connects.incrementAndGet();
        conn.everConnected = true;
        conn.up = true;
        Mqtt5ConnAck connAck = context instanceof Mqtt5ClientConnectedContext c5 ? c5.getConnAck() : null;
        if (connAck != null) {
            Mqtt5ConnAckRestrictions r = connAck.getRestrictions();
            int maxPacket = r.getMaximumPacketSize();
            brokerMaxPacketSize = maxPacket <= 0 || maxPacket >= MqttSettings.MQTT_MAX_PACKET_SIZE
                    ? OptionalInt.empty() : OptionalInt.of(maxPacket);
            int receiveMax = r.getReceiveMaximum();
            window.setLimit(Math.min(settings.maxInFlight(), receiveMax <= 0 ? NO_RECEIVE_MAXIMUM : receiveMax));
        }
        publishable = true;
        signalFirstConnection();
        if (closed || conn.abandoned) {
            conn.client.disconnect();
            return;
        }
        boolean sessionPresent = connAck != null && connAck.isSessionPresent();
        log.info("{} connected to {} (session present: {}, in-flight window {}, broker max packet size {})",
                settings.clientId(), settings.serverUri(), sessionPresent, window.limit(),
                brokerMaxPacketSize.isPresent() ? brokerMaxPacketSize.getAsInt() + " bytes" : "none");
        if (n == 1) {
            return; // start() subscribes and reports the first connection
        }
        runOnConnThread(() -> afterReconnect(conn, sessionPresent));
    }

    /** On the conn thread: subscribe what the client does not know yet, then tell the listeners. */
    private void afterReconnect(Connection conn, boolean sessionPresent) {
        List<Subscription> all = List.copyOf(subscriptions);
        long restored = sessionPresent ? 0 : all.stream().filter(s -> s.sent).count();
        if (restored > 0) {
            resubscriptions.incrementAndGet();
            awaitResubscription(conn);
            log.info("{}: reconnected into a new session; the client resubscribed {} filter(s)", settings.clientId(),
                    restored);
        }
        List<Subscription> unsent = all.stream().filter(s -> !s.sent).toList();
        try {
            sendSubscribe(conn, unsent);
        } catch (TransportException e) {
            log.error("{}: reconnected to {} but could not subscribe {} filter(s) registered meanwhile ({}); they are "
                    + "tried again on the next reconnect", settings.clientId(), settings.serverUri(), unsent.size(),
                    e.getMessage());
        }
        notifyListeners(l -> l.connected(true, sessionPresent));
    }

    /**
     * Waits until the broker has handled the client's own resubscription: an UNSUBSCRIBE of a filter nobody
     * subscribes goes out after it on the same connection, and the broker answers a connection's packets in
     * order. Any answer will do (Mosquitto says "no subscription existed"); without one in the operation
     * timeout we go on and say so.
     */
    private void awaitResubscription(Connection conn) {
        String barrier = "splitee/$transport/resubscribed"; // this session only: nobody else is affected
        try {
            conn.client.unsubscribeWith().topicFilter(barrier).send()
                    .get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (!(unwrap(e) instanceof Mqtt5UnsubAckException)) {
                log.warn("{}: could not confirm the resubscription at {} ({}); messages published right now may "
                        + "be missed", settings.clientId(), settings.serverUri(), describe(unwrap(e)));
            }
        } catch (TimeoutException e) {
            log.warn("{}: no UNSUBACK from {} within {} after the resubscription; messages published right now may "
                    + "be missed", settings.clientId(), settings.serverUri(), settings.operationTimeout());
        }
    }

    /** On the Netty thread, when a connection or a connection attempt ends. */
    private void onDisconnected(Connection conn, MqttClientDisconnectedContext context) {
        Throwable cause = context.getCause();
        boolean wasUp = conn.up;
        conn.up = false;
        if (wasUp) {
            releaseAcks();
            TransportException.Reason reason = closed ? TransportException.Reason.CLOSED
                    : TransportException.Reason.CONNECTION_LOST;
            for (PendingPublish p : List.copyOf(pendingPublishes)) {
                p.finish(new TransportException(reason, "the broker did not acknowledge the publish to '" + p.topic
                        + "' before the connection ended (" + describe(cause) + ")"
                        + (settings.cleanStart() ? "" : "; it is resent if the session resumes"), cause));
            }
        }
        boolean ours = context.getSource() == MqttDisconnectSource.USER;
        if (closed || conn.abandoned || ours) {
            return;
        }
        if (wasUp) {
            TransportException lost = new TransportException(TransportException.Reason.CONNECTION_LOST,
                    "lost the connection to " + settings.serverUri() + ": " + describe(cause), cause);
            log.warn("{}: {}; reconnecting", settings.clientId(), lost.getMessage());
            notifyListeners(l -> l.connectionLost(lost));
        }
        if (!conn.everConnected) {
            return; // the first connection attempt failed: start() reports it
        }
        if (!conn.receiveMaximumRaised && brokerExceededReceiveMaximum(context)) {
            conn.receiveMaximumRaised = true;
            log.warn("{}: broker {} sent more unacknowledged QoS 1/2 messages than the Receive Maximum of {} this client "
                    + "announced, and the HiveMQ client (as MQTT 5 requires) dropped the connection. That is a broker "
                    + "bug (Mosquitto 2.0.11 does it to a client that lags). Reconnecting with Receive Maximum {} so that "
                    + "it does not happen again; the receiveMaximum setting is no longer in force for this transport",
                    settings.clientId(), settings.serverUri(), settings.receiveMaximum(), RAISED_RECEIVE_MAXIMUM);
        }
        int attempts = context.getReconnector().getAttempts();
        Duration delay = backoff(attempts);
        if (!wasUp) {
            log.info("{}: reconnect to {} failed ({}); next attempt in {}", settings.clientId(), settings.serverUri(),
                    describe(cause), delay);
        }
        if (conn.receiveMaximumRaised && context instanceof Mqtt5ClientDisconnectedContext c5) {
            Mqtt5Connect previous = c5.getReconnector().getConnect();
            c5.getReconnector().connect(previous.extend().restrictions(previous.getRestrictions().extend()
                    .receiveMaximum(RAISED_RECEIVE_MAXIMUM).build()).build());
        }
        context.getReconnector().reconnect(true).delay(delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The client itself disconnected because the broker overran the Receive Maximum we announced. */
    private static boolean brokerExceededReceiveMaximum(MqttClientDisconnectedContext context) {
        return context.getSource() == MqttDisconnectSource.CLIENT
                && context.getCause() instanceof Mqtt5DisconnectException d
                && d.getMqttMessage().getReasonCode() == Mqtt5DisconnectReasonCode.RECEIVE_MAXIMUM_EXCEEDED;
    }

    /**
     * Releases every delivered message of the connection that just ended to the client, which keeps them
     * queued until acknowledged and sends nothing for a closed connection; the broker redelivers them. Acks
     * of these messages that come later find nothing to do, as the contract says.
     */
    private void releaseAcks() {
        for (Long tag : List.copyOf(pendingAcks.keySet())) {
            PendingAck p = pendingAcks.remove(tag);
            if (p != null) {
                p.release();
            }
        }
    }

    private Duration backoff(int attempts) {
        Duration d = settings.reconnectMinDelay();
        for (int i = 0; i < attempts && d.compareTo(settings.reconnectMaxDelay()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.reconnectMaxDelay()) > 0 ? settings.reconnectMaxDelay() : d;
    }

    private void runOnConnThread(Runnable r) {
        ExecutorService conn = connThread;
        if (conn == null) {
            return;
        }
        try {
            conn.execute(r);
        } catch (RejectedExecutionException e) {
            log.debug("connection event dropped: transport closing");
        }
    }

    private void notifyListeners(Consumer<ConnectionListener> event) {
        if (listeners.isEmpty()) {
            return;
        }
        runOnConnThread(() -> listeners.tell(event));
    }

    // ---------------------------------------------------------------- the client of one start()

    /** One HiveMQ client, built by start(); a failed start abandons it and the next start() builds another. */
    private final class Connection {
        final Mqtt5AsyncClient client;
        final Mqtt5Connect connect;
        final AtomicInteger connects = new AtomicInteger();
        final Disposable incoming;
        volatile boolean everConnected;
        volatile boolean up;
        volatile boolean abandoned;
        /** Counted down when the client ends the flow of incoming messages (the session ended). */
        final CountDownLatch incomingEnded = new CountDownLatch(1);
        /** Set once the broker overran our Receive Maximum: every reconnect then announces the largest one. */
        volatile boolean receiveMaximumRaised;

        Connection() {
            URI uri = URI.create(settings.serverUri());
            String host = uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            MqttClientTransportConfigBuilder transport = MqttClientTransportConfig.builder()
                    .serverHost(host)
                    .serverPort(uri.getPort())
                    .socketConnectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .mqttConnectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if ("ssl".equalsIgnoreCase(uri.getScheme())) {
                transport.sslConfig(sslConfig());
            }
            ThreadFactory nettyThreads = named(threadPrefix + "-netty", null);
            Executor nettyExecutor = r -> nettyThreads.newThread(r).start();
            ExecutorService completions = completionExecutor;
            MqttClientExecutorConfig executors = MqttClientExecutorConfig.builder()
                    .nettyExecutor(nettyExecutor)
                    .nettyThreads(1)
                    .applicationScheduler(Schedulers.from(completions))
                    .build();
            this.client = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier(settings.clientId())
                    .transportConfig(transport.build())
                    .executorConfig(executors)
                    .addConnectedListener(ctx -> onConnected(this, ctx))
                    .addDisconnectedListener(ctx -> onDisconnected(this, ctx))
                    .buildAsync();
            this.connect = connectMessage();
            // Before connecting, so that a resumed session's queued messages find it. Not observed on another
            // scheduler: it runs on the Netty thread, which also reports the end of a connection (see onPublish).
            // Disposed by close(): until then it holds the client's event loop (and its thread).
            this.incoming = client.toRx().publishes(MqttGlobalPublishFilter.ALL, true).subscribe(
                    p -> onPublish(this, p),
                    e -> {
                        onIncomingEnded(this, e);
                        incomingEnded.countDown();
                    },
                    incomingEnded::countDown);
        }

        Mqtt5ConnAck connect() throws TransportException {
            CompletableFuture<Mqtt5ConnAck> f = client.connect(connect);
            try {
                return f.get(settings.connectTimeout().plus(CONNECT_SLACK).toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw new TransportException(TransportException.Reason.CONNECT_FAILED, "no CONNACK from "
                        + settings.serverUri() + " within " + settings.connectTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.cancel(true);
                throw new TransportException(TransportException.Reason.CONNECT_FAILED,
                        "interrupted while connecting to " + settings.serverUri());
            } catch (ExecutionException | CancellationException e) {
                Throwable cause = unwrap(e);
                throw new TransportException(TransportException.Reason.CONNECT_FAILED, "cannot connect to "
                        + settings.serverUri() + " as '" + settings.clientId() + "': " + describe(cause), cause);
            }
        }

        /** Between a CONNACK and the end of that connection, as the client's listeners report them. */
        boolean isConnected() {
            return up && client.getState().isConnected();
        }

        void abandon() {
            abandoned = true;
            disconnectQuietly(Duration.ofSeconds(1));
            incoming.dispose();
        }

        /** Polite: waits for outstanding publishes, then DISCONNECT (normal, so no will), up to the operation timeout. */
        void close() {
            long deadline = System.nanoTime() + settings.operationTimeout().toNanos();
            while (isConnected() && window.inFlight() > 0 && System.nanoTime() < deadline) {
                TransportThreads.sleepQuietly(5);
            }
            disconnectQuietly(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0)).plusSeconds(1));
            if (settings.sessionExpiry().isZero()) {
                // The session ends with this DISCONNECT and the client ends the flow, on another thread; disposing
                // it first would make that end undeliverable (RxJava then throws it on the client's thread).
                try {
                    incomingEnded.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            incoming.dispose();
        }

        private void disconnectQuietly(Duration wait) {
            MqttClientState state = client.getState();
            if (state == MqttClientState.DISCONNECTED) {
                return;
            }
            try {
                client.disconnect().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                log.debug("disconnect from {} ({}): {}", settings.serverUri(), state, describe(unwrap(e)));
            } catch (TimeoutException | RuntimeException e) {
                log.debug("disconnect from {} ({}) did not finish: {}", settings.serverUri(), state, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Mqtt5Connect connectMessage() {
            Mqtt5ConnectBuilder b = Mqtt5Connect.builder()
                    .cleanStart(settings.cleanStart())
                    .sessionExpiryInterval(settings.sessionExpiry().getSeconds())
                    .keepAlive((int) settings.keepAlive().getSeconds())
                    .restrictions()
                    .receiveMaximum(settings.receiveMaximum())
                    .sendMaximum(settings.maxInFlight())
                    .sendTopicAliasMaximum(0) // sizes are computed without topic aliases (PublishPacket)
                    .applyRestrictions();
            settings.credentials().ifPresent(cr -> b.simpleAuth()
                    .username(cr.username()).password(cr.password()).applySimpleAuth());
            settings.will().ifPresent(w -> b.willPublish()
                    .topic(w.topic()).payload(w.payload()).qos(HiveMqMessages.qos(w.qos())).retain(w.retained())
                    .applyWillPublish());
            return b.build();
        }

        private MqttClientSslConfig sslConfig() {
            MqttClientSslConfigBuilder ssl = MqttClientSslConfig.builder()
                    .handshakeTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            settings.tls().ifPresent(tls -> {
                ssl.trustManagerFactory(PemTls.trustManagerFactory(tls));
                KeyManagerFactory kmf = PemTls.keyManagerFactory(tls);
                if (kmf != null) {
                    ssl.keyManagerFactory(kmf);
                }
            });
            return ssl.build();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static TransportException.Reason reasonFor(Throwable t) {
        if (t instanceof Mqtt5PubAckException || t instanceof Mqtt5PubRecException
                || t instanceof Mqtt5SubAckException || t instanceof Mqtt5ConnAckException) {
            return TransportException.Reason.REJECTED;
        }
        if (t instanceof ConnectionClosedException || t instanceof MqttSessionExpiredException
                || t instanceof Mqtt5DisconnectException || t instanceof ConnectionFailedException) {
            return TransportException.Reason.CONNECTION_LOST;
        }
        if (t instanceof MqttClientStateException) {
            return TransportException.Reason.NOT_CONNECTED;
        }
        if (t instanceof MqttEncodeException) {
            return TransportException.Reason.PACKET_TOO_LARGE;
        }
        return TransportException.Reason.FAILED;
    }

    /** The HiveMQ client's exception and message, the MQTT packet it names, and the root cause. */
    static String describe(Throwable e) {
        if (e == null) {
            return "no reason given";
        }
        StringBuilder sb = new StringBuilder("HiveMQ client: ").append(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            sb.append(" (").append(e.getMessage()).append(')');
        }
        if (e instanceof Mqtt5MessageException m) {
            sb.append(", ").append(m.getMqttMessage());
        }
        Throwable root = e.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root != e) {
            sb.append(", caused by ").append(root);
        }
        return sb.toString();
    }

    private CompletableFuture<Void> failed(TransportException.Reason reason, String message) {
        return CompletableFuture.failedFuture(new TransportException(reason, message));
    }

    private static ThreadFactory named(String name, Consumer<Thread> created) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
            if (created != null) {
                created.accept(t);
            }
            return t;
        };
    }

    private static void shutdown(ExecutorService e) {
        if (e != null) {
            e.shutdownNow();
        }
    }

    private static void awaitTermination(ExecutorService e, Duration timeout) {
        TransportThreads.awaitTermination(e, timeout, log);
    }

    // ---------------------------------------------------------------- small types

    private static final class Subscription {
        final TopicFilter filter;
        final int qos;
        final MessageHandler handler;
        /** Whether the client has subscribed it (and so resubscribes it into a new session by itself). */
        volatile boolean sent;

        Subscription(TopicFilter filter, int qos, MessageHandler handler) {
            this.filter = filter;
            this.qos = qos;
            this.handler = handler;
        }
    }

    /** A delivered QoS 1/2 message: acknowledged to the client once, when every matching handler acked it. */
    private static final class PendingAck {
        final Mqtt5Publish publish;
        final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
        private final AtomicBoolean released = new AtomicBoolean();

        PendingAck(Mqtt5Publish publish) {
            this.publish = publish;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                try {
                    publish.acknowledge();
                } catch (RuntimeException e) {
                    log.debug("acknowledging the message on '{}' failed: {}", publish.getTopic(), e.toString());
                }
            }
        }
    }

    /** One publish handed to the client: releases its window slot exactly once and completes its future. */
    private final class PendingPublish {
        final String topic;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        private final AtomicBoolean done = new AtomicBoolean();

        PendingPublish(String topic) {
            this.topic = topic;
        }

        void onResult(Mqtt5PublishResult result, Throwable error) {
            Throwable t = error == null ? null : unwrap(error);
            if (t == null && result != null && result.getError().isPresent()) {
                t = result.getError().get();
            }
            if (t == null) {
                finish(null);
                return;
            }
            TransportException.Reason reason = reasonFor(t);
            String what = reason == TransportException.Reason.REJECTED
                    ? "broker " + settings.serverUri() + " rejected the publish to '" + topic + "': "
                    : "the broker did not acknowledge the publish to '" + topic + "': ";
            finish(new TransportException(reason, what + describe(t)
                    + (reason == TransportException.Reason.CONNECTION_LOST && !settings.cleanStart()
                    ? "; it is resent if the session resumes" : ""), t));
        }

        void finish(TransportException failure) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            pendingPublishes.remove(this);
            window.release();
            Runnable complete = () -> {
                if (failure == null) {
                    future.complete(null);
                } else {
                    future.completeExceptionally(failure);
                }
            };
            ExecutorService completions = completionExecutor;
            if (completions == null || Thread.currentThread() == completionThread) {
                complete.run();
                return;
            }
            try {
                completions.execute(complete);
            } catch (RejectedExecutionException e) {
                complete.run();
            }
        }
    }
}
