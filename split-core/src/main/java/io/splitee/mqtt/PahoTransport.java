package io.splitee.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} on Eclipse Paho's {@link MqttAsyncClient} (mqttv5 1.2.5), working around what
 * that version gets wrong:
 * <ul>
 * <li>No in-flight limit of its own beyond failing with 32202 once the broker's Receive Maximum is
 *     reached: every publish takes a slot of an {@link InFlightWindow} sized
 *     {@code min(maxInFlight, broker Receive Maximum)}, released when Paho reports the outcome. A
 *     32202 that still happens (messages Paho resends after a reconnect hold broker slots we
 *     already released) is retried until the back-pressure timeout and then reported as
 *     {@code BACKPRESSURE}, never as 32202.</li>
 * <li>Oversized packets are sent and get the connection dropped: we measure the encoded PUBLISH
 *     first and refuse it.</li>
 * <li>Shared subscriptions only reach the global callback: all messages are dispatched from the
 *     global callback by our own {@link TopicFilter} matching.</li>
 * <li>Its automatic reconnect neither resubscribes after a clean-start reconnect nor tells whether
 *     the session was resumed, and keeps its back-off delay in a static field shared by all
 *     clients. We reconnect ourselves on the thread {@code splitee-mqtt-<clientId>-conn}: each
 *     attempt's CONNACK gives session-present, Receive Maximum and Maximum Packet Size, and
 *     subscriptions are re-sent from that thread (never from inside Paho's callbacks, where a
 *     blocking subscribe can deadlock).</li>
 * <li>A callback that throws makes Paho drop the connection: ours never throw.</li>
 * </ul>
 * Publish futures are completed on {@code splitee-mqtt-<clientId>-complete}, so that dependent
 * stages never run on Paho's callback thread.
 */
final class PahoTransport implements Transport, TransportCounters {
    private static final Logger log = LoggerFactory.getLogger(PahoTransport.class);
    private static final int MQTT_ERROR = 0x80;
    private static final int NO_RECEIVE_MAXIMUM = 65_535;

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
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong resubscriptions = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private final AtomicLong pahoWindowRetries = new AtomicLong();

    private volatile MqttAsyncClient client;
    private volatile MqttConnectionOptions options;
    private volatile ScheduledExecutorService connThread;
    private volatile ExecutorService completionThread;
    private volatile boolean started;
    /**
     * Set once the first CONNACK is handled (window and packet limits known), before start() returns:
     * a resumed session's queued messages can arrive before that, and answers to them must wait for
     * it (see {@link #awaitFirstConnection}), not fail as "not started".
     */
    private volatile boolean publishable;
    /** While start() is connecting: publishes from threads other than the callback thread wait for it. */
    private volatile boolean connecting;
    private final Object firstConnection = new Object();
    private volatile boolean closed;
    private volatile Thread callbackThread;
    private volatile OptionalInt brokerMaxPacketSize = OptionalInt.empty();

    PahoTransport(MqttSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
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
            MqttConnectionOptions opts = connectionOptions();
            MqttAsyncClient c;
            try {
                c = new MqttAsyncClient(settings.serverUri(), settings.clientId(), persistence());
            } catch (MqttException | IllegalArgumentException e) {
                throw new TransportException(TransportException.Reason.CONNECT_FAILED,
                        "cannot create an MQTT client for " + settings.serverUri() + ": " + describe(e), e);
            }
            c.setCallback(new Callback());
            c.setManualAcks(true);
            this.options = opts;
            this.client = c;
            this.connThread = Executors.newSingleThreadScheduledExecutor(named(threadPrefix + "-conn"));
            this.completionThread = Executors.newSingleThreadExecutor(named(threadPrefix + "-complete"));
            connecting = true;
            try {
                IMqttToken token = c.connect(opts);
                if (!await(token, settings.connectTimeout())) {
                    throw new TransportException(TransportException.Reason.CONNECT_FAILED, "no CONNACK from "
                            + settings.serverUri() + " within " + settings.connectTimeout());
                }
                onConnected(token, false);
                started = true;
            } catch (MqttException e) {
                abandonClient();
                throw new TransportException(TransportException.Reason.CONNECT_FAILED,
                        "cannot connect to " + settings.serverUri() + " as '" + settings.clientId() + "': "
                                + describe(e), e);
            } catch (TransportException | RuntimeException e) {
                abandonClient();
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

    /**
     * Waits, at most the connect timeout, while start() is still connecting: messages of a resumed
     * session can be delivered before the CONNACK is handled, and an answer to one made then would
     * otherwise fail as "not started". The MQTT callback thread never waits (it handles the CONNACK).
     */
    private void awaitFirstConnection() {
        if (Thread.currentThread() == callbackThread) {
            return;
        }
        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
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

    /** Undoes a failed start so that start() can be tried again. */
    private void abandonClient() {
        MqttAsyncClient c = client;
        client = null;
        publishable = false;
        if (c != null) {
            try {
                c.disconnectForcibly(0, 1000, true);
            } catch (MqttException | RuntimeException ignored) {
                // not connected: nothing to undo
            }
            try {
                c.close(true);
            } catch (MqttException | RuntimeException e) {
                log.debug("closing the abandoned client failed: {}", e.toString());
            }
        }
        shutdown(connThread);
        shutdown(completionThread);
        connThread = null;
        completionThread = null;
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
        ScheduledExecutorService conn = connThread;
        if (conn != null) {
            conn.shutdownNow();
            if (!Thread.currentThread().getName().startsWith(threadPrefix + "-conn")) {
                // a listener closing us runs on that very thread: it ends once the listener returns
                awaitTermination(conn, settings.connectTimeout().plusSeconds(1));
            }
        }
        MqttAsyncClient c = client;
        if (c != null) {
            long quiesce = settings.operationTimeout().toMillis();
            try {
                if (c.isConnected()) {
                    c.disconnect(quiesce).waitForCompletion(quiesce + 1000);
                }
            } catch (MqttException | RuntimeException e) {
                log.debug("polite disconnect from {} failed: {}", settings.serverUri(), e.toString());
            }
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(0, 1000, true);
                }
            } catch (MqttException | RuntimeException e) {
                log.debug("forced disconnect failed: {}", e.toString());
            }
            try {
                c.close(true);
            } catch (MqttException | RuntimeException e) {
                log.debug("closing the Paho client failed: {}", e.toString());
            }
        }
        for (PendingPublish p : List.copyOf(pendingPublishes)) {
            p.finish(new TransportException(TransportException.Reason.CLOSED,
                    "transport closed before the broker acknowledged the publish to '" + p.topic + "'"));
        }
        pendingAcks.clear();
        ExecutorService completions = completionThread;
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
                    + " (QoS 2 with manual acknowledgement is redelivered twice by Paho 1.2.5)");
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
        if (started && isConnected()) {
            try {
                sendSubscribe(List.of(sub));
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

    private void sendSubscribe(List<Subscription> subs) throws TransportException {
        if (subs.isEmpty()) {
            return;
        }
        MqttAsyncClient c = client;
        if (c == null) {
            throw new TransportException(TransportException.Reason.NOT_CONNECTED, "transport not started");
        }
        MqttSubscription[] wire = new MqttSubscription[subs.size()];
        for (int i = 0; i < wire.length; i++) {
            wire[i] = new MqttSubscription(subs.get(i).filter.filter(), subs.get(i).qos);
        }
        String names = subs.stream().map(s -> "'" + s.filter + "'").reduce((a, b) -> a + ", " + b).orElse("");
        IMqttToken token;
        try {
            token = c.subscribe(wire);
            if (!await(token, settings.operationTimeout())) {
                throw new TransportException(TransportException.Reason.TIMEOUT, "no SUBACK from "
                        + settings.serverUri() + " for " + names + " within " + settings.operationTimeout());
            }
        } catch (MqttException e) {
            throw new TransportException(reasonFor(e), "cannot subscribe to " + names + " at "
                    + settings.serverUri() + ": " + describe(e), e);
        }
        int[] codes = token.getReasonCodes();
        for (int i = 0; i < subs.size(); i++) {
            int code = codes != null && i < codes.length ? codes[i] : 0;
            if (code >= MQTT_ERROR) {
                throw new TransportException(TransportException.Reason.REJECTED, "broker " + settings.serverUri()
                        + " refused the subscription to '" + subs.get(i).filter + "' with reason code 0x"
                        + Integer.toHexString(code) + reasonString(token));
            }
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
        MqttAsyncClient c = client;
        if (p.epoch != epoch.get() || c == null || !c.isConnected()) {
            log.debug("ack of delivery {} on '{}' not sent: its connection is gone; the broker redelivers it",
                    tag, message.topic());
            return;
        }
        try {
            c.messageArrivedComplete(p.messageId, p.qos);
        } catch (MqttException | RuntimeException e) {
            log.warn("could not acknowledge message {} on '{}' ({}); the broker redelivers it when the session "
                    + "resumes", p.messageId, message.topic(), describe(e));
        }
    }

    // ---------------------------------------------------------------- publish

    @Override
    public CompletableFuture<Void> publish(Outgoing message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            return failed(TransportException.Reason.CLOSED, "transport " + settings.clientId() + " is closed");
        }
        MqttAsyncClient c = client;
        if (!(started || publishable) && connecting) {
            awaitFirstConnection();
        }
        if (!(started || publishable) || c == null) {
            return failed(TransportException.Reason.NOT_CONNECTED,
                    "transport " + settings.clientId() + " is not started; nothing was sent");
        }
        MqttMessage paho = PahoMessages.toPaho(message);
        int size;
        try {
            size = PahoMessages.encodedSize(message.topic(), paho);
        } catch (MqttException | RuntimeException e) {
            return failed(TransportException.Reason.FAILED,
                    "cannot encode the publish to '" + message.topic() + "': " + describe(e));
        }
        Optional<String> tooLarge = PacketLimit.tooLarge(message, size, brokerMaxPacketSize, settings.maxPacketSize());
        if (tooLarge.isPresent()) {
            return failed(TransportException.Reason.PACKET_TOO_LARGE, tooLarge.get());
        }
        if (!c.isConnected()) {
            return failed(TransportException.Reason.NOT_CONNECTED, "not connected to " + settings.serverUri()
                    + " (reconnecting); nothing was sent to '" + message.topic() + "'");
        }
        boolean onCallbackThread = Thread.currentThread() == callbackThread;
        Duration wait = onCallbackThread ? Duration.ZERO : settings.backpressureTimeout();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            if (!window.acquire(wait)) {
                return failed(TransportException.Reason.BACKPRESSURE, "in-flight window full: " + window.inFlight()
                        + " of " + window.limit() + " publishes await acknowledgement after waiting " + wait
                        + (onCallbackThread ? " (a message handler cannot wait)" : "")
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
        long pauseMillis = 1;
        while (true) {
            try {
                c.publish(message.topic(), paho, null, pending);
                return pending.future;
            } catch (MqttException e) {
                if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT
                        && System.nanoTime() < deadline && !closed) {
                    // Paho's own window is full of messages it resent after a reconnect: wait briefly.
                    pahoWindowRetries.incrementAndGet();
                    TransportThreads.sleepQuietly(pauseMillis);
                    pauseMillis = Math.min(pauseMillis * 2, 50);
                    continue;
                }
                pending.finish(new TransportException(reasonFor(e), "publish to '" + message.topic() + "' at "
                        + settings.serverUri() + " failed before sending: " + describe(e), e));
                return pending.future;
            } catch (RuntimeException e) {
                pending.finish(new TransportException(TransportException.Reason.FAILED,
                        "publish to '" + message.topic() + "' failed: " + e, e));
                return pending.future;
            }
        }
    }

    // ---------------------------------------------------------------- state

    @Override
    public boolean isConnected() {
        MqttAsyncClient c = client;
        return !closed && c != null && c.isConnected();
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

    /** Publishes Paho itself counts as in flight. */
    int pahoInFlight() {
        MqttAsyncClient c = client;
        return c == null ? 0 : c.getInFlightMessageCount();
    }

    @Override
    public long resubscriptions() {
        return resubscriptions.get();
    }

    /** Publishes retried because Paho's own window was full (its 32202), never surfaced. */
    long pahoWindowRetries() {
        return pahoWindowRetries.get();
    }

    @Override
    public long unmatchedMessages() {
        return unmatched.get();
    }

    @Override
    public long handlerFailures() {
        return handlerFailures.get();
    }

    // ---------------------------------------------------------------- connection handling

    /** Runs on the caller of start() or on the conn thread, never on a Paho thread. */
    private void onConnected(IMqttToken token, boolean reconnect) throws TransportException {
        MqttProperties props = token.getResponseProperties();
        Long maxPacket = props == null ? null : props.getMaximumPacketSize();
        brokerMaxPacketSize = maxPacket == null || maxPacket <= 0
                ? OptionalInt.empty() : OptionalInt.of((int) Math.min(maxPacket, Integer.MAX_VALUE));
        Integer receiveMax = props == null ? null : props.getReceiveMaximum();
        int brokerWindow = receiveMax == null || receiveMax <= 0 ? NO_RECEIVE_MAXIMUM : receiveMax;
        window.setLimit(Math.min(settings.maxInFlight(), brokerWindow));
        publishable = true;
        signalFirstConnection();
        boolean sessionPresent = token.getSessionPresent();
        log.info("{} connected to {} (session present: {}, in-flight window {}, broker max packet size {})",
                settings.clientId(), settings.serverUri(), sessionPresent, window.limit(),
                brokerMaxPacketSize.isPresent() ? brokerMaxPacketSize.getAsInt() + " bytes" : "none");
        if (!reconnect || !sessionPresent) {
            List<Subscription> all = List.copyOf(subscriptions);
            sendSubscribe(all);
            if (reconnect && !all.isEmpty()) {
                resubscriptions.incrementAndGet();
                log.info("{} resubscribed {} filter(s) after reconnecting into a new session",
                        settings.clientId(), all.size());
            }
        }
        notifyListeners(l -> l.connected(reconnect, sessionPresent));
    }

    /** Called by Paho (on one of its threads) when an established connection ends. */
    private void onConnectionLost(TransportException cause) {
        epoch.incrementAndGet();
        pendingAcks.clear();
        if (closed) {
            return;
        }
        log.warn("{}: {}; reconnecting", settings.clientId(), cause.getMessage());
        notifyListeners(l -> l.connectionLost(cause));
        scheduleReconnect(settings.reconnectMinDelay());
    }

    private void scheduleReconnect(Duration delay) {
        ScheduledExecutorService conn = connThread;
        if (closed || conn == null) {
            return;
        }
        try {
            conn.schedule(() -> attemptReconnect(delay), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("reconnect not scheduled: transport closing");
        }
    }

    /** Runs on the conn thread. */
    private void attemptReconnect(Duration delay) {
        MqttAsyncClient c = client;
        if (closed || c == null || c.isConnected()) {
            return;
        }
        Duration next = delay.multipliedBy(2).compareTo(settings.reconnectMaxDelay()) > 0
                ? settings.reconnectMaxDelay() : delay.multipliedBy(2);
        IMqttToken token;
        try {
            token = c.connect(options);
            if (!await(token, settings.connectTimeout())) {
                log.info("{}: no CONNACK from {} within {}; next attempt in {}", settings.clientId(),
                        settings.serverUri(), settings.connectTimeout(), next);
                abortConnect(c);
                scheduleReconnect(next);
                return;
            }
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS) {
                scheduleReconnect(delay);
                return;
            }
            log.info("{}: reconnect to {} failed ({}); next attempt in {}", settings.clientId(),
                    settings.serverUri(), describe(e), next);
            scheduleReconnect(next);
            return;
        } catch (RuntimeException e) {
            log.warn("{}: reconnect to {} failed unexpectedly; next attempt in {}", settings.clientId(),
                    settings.serverUri(), next, e);
            scheduleReconnect(next);
            return;
        }
        if (closed) {
            return;
        }
        try {
            onConnected(token, true);
        } catch (TransportException | RuntimeException e) {
            log.error("{}: reconnected to {} but could not resubscribe ({}); disconnecting to try again in {}",
                    settings.clientId(), settings.serverUri(), e.getMessage(), next);
            try {
                c.disconnectForcibly(0, 1000, true);
            } catch (MqttException | RuntimeException ignored) {
                // already down
            }
            epoch.incrementAndGet();
            pendingAcks.clear();
            scheduleReconnect(next);
        }
    }

    private static void abortConnect(MqttAsyncClient c) {
        try {
            c.disconnectForcibly(0, 1000, false);
        } catch (MqttException | RuntimeException ignored) {
            // nothing to abort
        }
    }

    private void notifyListeners(java.util.function.Consumer<ConnectionListener> event) {
        ScheduledExecutorService conn = connThread;
        if (conn == null || listeners.isEmpty()) {
            return;
        }
        try {
            conn.execute(() -> listeners.tell(event));
        } catch (RejectedExecutionException e) {
            log.debug("connection event dropped: transport closing");
        }
    }

    // ---------------------------------------------------------------- Paho callback

    /** Paho's global callback. Every method returns quickly and never throws. */
    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            try {
                String why;
                if (response.getException() != null) {
                    why = describe(response.getException());
                } else {
                    why = "broker sent DISCONNECT with reason code 0x" + Integer.toHexString(response.getReturnCode())
                            + (response.getReasonString() == null ? "" : " (" + response.getReasonString() + ")");
                }
                onConnectionLost(new TransportException(TransportException.Reason.CONNECTION_LOST,
                        "lost the connection to " + settings.serverUri() + ": " + why, response.getException()));
            } catch (RuntimeException e) {
                log.error("handling the lost connection failed", e);
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("{}: MQTT error: {}", settings.clientId(), describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            callbackThread = Thread.currentThread();
            try {
                dispatch(topic, message);
            } catch (RuntimeException e) {
                log.error("dispatching a message on '{}' failed; it stays unacknowledged", topic, e);
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // publish outcomes arrive through each publish's PendingPublish listener
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // handled on our own thread once the connect token completes; nothing may block here
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            log.debug("AUTH packet with reason 0x{} ignored", Integer.toHexString(reasonCode));
        }
    }

    private void dispatch(String topic, MqttMessage message) {
        List<Subscription> matches = new ArrayList<>(1);
        for (Subscription s : subscriptions) {
            if (s.filter.matches(topic)) {
                matches.add(s);
            }
        }
        int qos = message.getQos();
        long tag = qos > 0 ? deliveryTags.incrementAndGet() : 0;
        Incoming incoming = PahoMessages.toIncoming(topic, message, tag);
        if (matches.isEmpty()) {
            unmatched.incrementAndGet();
            log.warn("{}: message on '{}' matches no registered subscription; left unacknowledged",
                    settings.clientId(), topic);
            return;
        }
        if (qos > 0) {
            pendingAcks.put(tag, new PendingAck(epoch.get(), message.getId(), qos, matches.size()));
        }
        for (Subscription s : matches) {
            try {
                s.handler.onMessage(incoming);
            } catch (RuntimeException e) {
                handlerFailures.incrementAndGet();
                log.error("handler for '{}' failed on a message on '{}'; it is not acknowledged and the broker "
                        + "redelivers it when the session resumes", s.filter, topic, e);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private MqttConnectionOptions connectionOptions() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(settings.cleanStart());
        o.setSessionExpiryInterval(settings.sessionExpiry().getSeconds());
        o.setKeepAliveInterval((int) settings.keepAlive().getSeconds());
        o.setConnectionTimeout((int) Math.max(1, (settings.connectTimeout().toMillis() + 999) / 1000));
        o.setAutomaticReconnect(false);
        o.setReceiveMaximum(settings.receiveMaximum());
        settings.credentials().ifPresent(cr -> {
            o.setUserName(cr.username());
            o.setPassword(cr.password());
        });
        settings.will().ifPresent(w -> o.setWill(w.topic(),
                new MqttMessage(w.payload(), w.qos(), w.retained(), new MqttProperties())));
        if (settings.tls().isPresent()) {
            o.setSocketFactory(new NoDelaySockets.Tls(PemTls.socketFactory(settings.tls().get())));
        } else if (settings.serverUri().startsWith("ssl")) {
            o.setSocketFactory(new NoDelaySockets.Tls((javax.net.ssl.SSLSocketFactory)
                    javax.net.ssl.SSLSocketFactory.getDefault()));
        } else {
            o.setSocketFactory(new NoDelaySockets.Plain());
        }
        return o;
    }

    private MqttClientPersistence persistence() {
        return settings.persistenceDir()
                .<MqttClientPersistence>map(d -> new MqttDefaultFilePersistence(d.toString()))
                .orElseGet(MemoryPersistence::new);
    }

    private static boolean await(IMqttToken token, Duration timeout) throws MqttException {
        try {
            token.waitForCompletion(timeout.toMillis());
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttClientException.REASON_CODE_CLIENT_TIMEOUT && !token.isComplete()) {
                return false;
            }
            throw e;
        }
        if (token.getException() != null) {
            throw token.getException();
        }
        return token.isComplete();
    }

    private static TransportException.Reason reasonFor(MqttException e) {
        switch (e.getReasonCode()) {
            case MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED:
            case MqttClientException.REASON_CODE_CLIENT_DISCONNECTING:
            case MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS:
                return TransportException.Reason.NOT_CONNECTED;
            case MqttClientException.REASON_CODE_CONNECTION_LOST:
                return TransportException.Reason.CONNECTION_LOST;
            case MqttClientException.REASON_CODE_CLIENT_CLOSED:
                return TransportException.Reason.CLOSED;
            case MqttClientException.REASON_CODE_MAX_INFLIGHT:
                return TransportException.Reason.BACKPRESSURE;
            case MqttClientException.REASON_CODE_CLIENT_TIMEOUT:
                return TransportException.Reason.TIMEOUT;
            default:
                return e.getReasonCode() >= MQTT_ERROR && e.getReasonCode() <= 0xFF
                        ? TransportException.Reason.REJECTED : TransportException.Reason.FAILED;
        }
    }

    /** Paho's reason code and text, plus the root cause if there is one. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        if (e instanceof MqttException m) {
            sb.append("Paho reason ").append(m.getReasonCode()).append(" (").append(m.getMessage()).append(')');
        } else {
            sb.append(e);
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

    private static String reasonString(IMqttToken token) {
        MqttProperties p = token.getResponseProperties();
        return p != null && p.getReasonString() != null ? " (" + p.getReasonString() + ")" : "";
    }

    private CompletableFuture<Void> failed(TransportException.Reason reason, String message) {
        return CompletableFuture.failedFuture(new TransportException(reason, message));
    }

    private static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
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

    private record Subscription(TopicFilter filter, int qos, MessageHandler handler) {
    }

    private static final class PendingAck {
        final long epoch;
        final int messageId;
        final int qos;
        final AtomicInteger remaining;

        PendingAck(long epoch, int messageId, int qos, int handlers) {
            this.epoch = epoch;
            this.messageId = messageId;
            this.qos = qos;
            this.remaining = new AtomicInteger(handlers);
        }
    }

    /** One publish handed to Paho: releases its window slot exactly once and completes its future. */
    private final class PendingPublish implements MqttActionListener {
        final String topic;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        private final AtomicBoolean done = new AtomicBoolean();

        PendingPublish(String topic) {
            this.topic = topic;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            int[] codes = token.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] >= MQTT_ERROR) {
                finish(new TransportException(TransportException.Reason.REJECTED, "broker " + settings.serverUri()
                        + " rejected the publish to '" + topic + "' with reason code 0x"
                        + Integer.toHexString(codes[0]) + reasonString(token)));
            } else {
                finish(null);
            }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            TransportException.Reason reason = exception instanceof MqttException m
                    ? reasonFor(m) : TransportException.Reason.FAILED;
            if (reason == TransportException.Reason.NOT_CONNECTED || reason == TransportException.Reason.TIMEOUT) {
                reason = TransportException.Reason.CONNECTION_LOST;
            }
            finish(new TransportException(reason, "the broker did not acknowledge the publish to '" + topic
                    + "': " + (exception == null ? "no reason given" : describe(exception))
                    + (settings.cleanStart() ? "" : "; it is resent if the session resumes"), exception));
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
            ExecutorService completions = completionThread;
            try {
                if (completions == null) {
                    complete.run();
                } else {
                    completions.execute(complete);
                }
            } catch (RejectedExecutionException e) {
                complete.run();
            }
        }
    }
}
