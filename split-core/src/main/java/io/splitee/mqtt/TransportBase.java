package io.splitee.mqtt;

import io.splitee.lifecycle.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every {@link Transport} does the same way whatever its MQTT client library, so that an adapter
 * (module {@code mqtt-paho}, {@code mqtt-hivemq}) is down to the few primitives its client differs in:
 * connect, subscribe, publish, acknowledge, and reporting the client's events (CONNACK, connection lost,
 * message) through the {@code protected final} methods here.
 *
 * <p>Owned here: the subscription registry and the resubscribe policy (every filter again after every
 * reconnect, whether or not the broker resumed the session); dispatch of each message to its handlers on the one callback thread (the client's own, or the
 * transport's {@code splitee-mqtt-<clientId>-callback}); the {@link InFlightWindow}, the packet-size check
 * ({@link PacketLimit}, {@link PublishPacket}) and every pending publish with its future, completed on
 * {@code -complete}, and what becomes of it when its connection ends (kept for the client's resend while the
 * session is expected to resume, {@link #publishesInterrupted}; failed {@code SESSION_LOST} when the client
 * dropped it, {@link #sessionLost}, and when a QoS 2 publish's PUBREC had come and the next CONNACK finds no
 * session, {@link PendingPublish#pubrecReceived}); pending acknowledgements, counted per handler and dropped
 * when their connection ends;
 * the first-connection latch (a publish made while {@link #start()} is connecting waits for the CONNACK);
 * connection listeners, told on {@code -conn}; the thread names; and {@link #close()}, idempotent, which
 * ends every thread the transport started.
 *
 * <p>Threads an adapter must know: its client's event callbacks call {@link #connAck}, {@link #received}
 * and {@link #connectionEnded} (never blocking); {@link #reconnected} and {@link #reportConnected} run on
 * {@code -conn} ({@link #onConnThread}), which may block for the SUBACK.
 */
public abstract class TransportBase implements Transport, TransportCounters {
    private static final int MQTT_ERROR = 0x80;
    private static final int NO_RECEIVE_MAXIMUM = 65_535;
    private static final Duration THREAD_STOP = Duration.ofSeconds(2);

    /** Logs under the adapter's class, as each client's transport always has. */
    protected final Logger log = LoggerFactory.getLogger(getClass());
    /** The settings the transport was made with. */
    protected final MqttSettings settings;
    private final String threadPrefix;
    private final boolean ownCallbackThread;
    private final InFlightWindow window;
    private final Object lifecycle = new Object();
    private final Object subscriptionLock = new Object();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ConnectionListeners listeners = new ConnectionListeners(log);
    private final Set<PendingPublish> pendingPublishes = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Long, PendingAck> pendingAcks = new ConcurrentHashMap<>();
    private final AtomicLong deliveryTags = new AtomicLong();
    /** Counts connections: an ack of a message of an earlier one is not sent. */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong resubscriptions = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private final AtomicLong poisonedSessions = new AtomicLong();
    private final AtomicLong keptForResend = new AtomicLong();
    private final Object firstConnection = new Object();

    private volatile ScheduledExecutorService connThread;
    private volatile ExecutorService callbackExecutor;
    private volatile ExecutorService completionExecutor;
    private volatile Thread callbackThread;
    private volatile Thread completionThread;
    private volatile boolean started;
    /**
     * Set once the first CONNACK is handled (window and packet limits known), before start() returns: a
     * resumed session's queued messages can arrive before that, and answers to them must wait for it
     * (see {@link #awaitFirstConnection}), not fail as "not started".
     */
    private volatile boolean publishable;
    /** While start() is connecting: publishes from threads other than the transport's wait for it. */
    private volatile boolean connecting;
    private volatile boolean closed;
    /** Set by {@link #discardingPoisonedSession}: the next connection starts clean; cleared by its CONNACK. */
    private volatile boolean discardingSession;
    private volatile OptionalInt brokerMaxPacketSize = OptionalInt.empty();

    /**
     * @param ownCallbackThread true when the client calls {@link #received} on a thread that must not run
     *                          handlers (an event loop): messages are then handed, in order, to the
     *                          transport's own {@code -callback} thread; false when the client has a
     *                          callback thread of its own, which then runs the handlers
     */
    protected TransportBase(MqttSettings settings, boolean ownCallbackThread) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.threadPrefix = "splitee-mqtt-" + settings.clientId();
        this.ownCallbackThread = ownCallbackThread;
        this.window = new InFlightWindow(settings.maxInFlight());
    }

    // ---------------------------------------------------------------- the adapter's primitives

    /**
     * Builds the client (again after a failed start) and makes the first connection, blocking until its
     * CONNACK, which is reported through {@link #connAck} before this returns.
     *
     * @return whether the broker resumed the session
     * @throws TransportException {@code CONNECT_FAILED}, naming the URI and the client's reason
     */
    protected abstract boolean connect() throws TransportException;

    /** Sends one SUBSCRIBE for {@code subs}; the future holds the SUBACK, or the client's failure. */
    protected abstract CompletableFuture<SubAck> subscribe(List<Subscription> subs);

    /**
     * Hands one PUBLISH to the client, which settles {@code pending} with the broker's answer. Checks, window
     * slot and pending bookkeeping are done; {@code deadline} ({@link System#nanoTime()}) is how long the
     * caller may still be kept waiting.
     */
    protected abstract void publish(Outgoing message, PendingPublish pending, long deadline);

    /** Whether the client has a connection up right now (false before start and after a failed one). */
    protected abstract boolean clientConnected();

    /** On {@link #close()}: disconnects politely, up to the operation timeout, and releases the client. */
    protected abstract void disconnect();

    /** On a failed {@link #start()}: drops the client so that start() can be tried again. */
    protected abstract void abandon();

    /** The client's exception in one line, with its reason code and root cause. */
    protected abstract String describe(Throwable e);

    /** The reason a failure of the client's maps to. */
    protected abstract TransportException.Reason reasonFor(Throwable e);

    /**
     * Whether the client subscribes again by itself after a reconnect into a new session (then the base
     * waits for {@link #awaitResubscribed} instead of sending the subscriptions). Default false.
     */
    protected boolean clientResubscribes() {
        return false;
    }

    /** Waits until the broker has the client's own resubscriptions; only if {@link #clientResubscribes()}. */
    protected void awaitResubscribed() {
    }

    /**
     * Whether the client acknowledges in arrival order (MQTT 5 [MQTT-4.6.0-2]), so that one unacknowledged
     * message holds the later ones back. Default false.
     */
    protected boolean acksInArrivalOrder() {
        return false;
    }

    /** Whether {@code t} is one of the client's own threads (they must never wait). Default false. */
    protected boolean isClientThread(Thread t) {
        return false;
    }

    /** How long a publish made while {@link #start()} connects waits for the CONNACK. */
    protected Duration connAckWait() {
        return settings.connectTimeout();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public final void start() throws TransportException {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("transport " + settings.clientId() + " is closed");
            }
            if (started) {
                return;
            }
            connThread = Executors.newSingleThreadScheduledExecutor(threadFactory("conn"));
            completionExecutor = Executors.newSingleThreadExecutor(remembering("complete", t -> completionThread = t));
            if (ownCallbackThread) {
                callbackExecutor = Executors.newSingleThreadExecutor(remembering("callback", t -> callbackThread = t));
            }
            connecting = true;
            try {
                boolean sessionPresent = connect();
                sendSubscribe(List.copyOf(subscriptions));
                started = true;
                reportConnected(false, sessionPresent);
            } catch (TransportException | RuntimeException e) {
                publishable = false;
                abandon();
                for (PendingPublish p : List.copyOf(pendingPublishes)) { // the abandoned client resends nothing
                    p.unacknowledged(TransportException.Reason.CONNECTION_LOST, ": start() failed and dropped the "
                            + "connection (" + e.getMessage() + ")", e);
                }
                shutdownNow(connThread);
                shutdownNow(callbackExecutor);
                shutdownNow(completionExecutor);
                connThread = null;
                callbackExecutor = null;
                completionExecutor = null;
                pendingAcks.clear();
                throw e;
            } finally {
                connecting = false;
                signalFirstConnection();
            }
        }
    }

    @Override
    public final void close() {
        if (Thread.currentThread() == callbackThread) {
            throw new IllegalStateException("close() must not be called from a message handler");
        }
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        signalFirstConnection();
        ScheduledExecutorService conn = connThread;
        if (conn != null) {
            conn.shutdownNow(); // no more reconnects or resubscriptions
            if (!Thread.currentThread().getName().startsWith(threadName("conn"))) {
                // a listener closing us runs on that very thread: it ends once the listener returns
                Threads.awaitTermination(conn, settings.connectTimeout().plusSeconds(1), log);
            }
        }
        disconnect();
        for (PendingPublish p : List.copyOf(pendingPublishes)) {
            p.fail(new TransportException(TransportException.Reason.CLOSED,
                    "transport closed before the broker acknowledged the publish to '" + p.topic + "'"));
        }
        pendingAcks.clear();
        ExecutorService callbacks = callbackExecutor;
        if (callbacks != null) {
            callbacks.shutdownNow(); // messages not yet handed to a handler stay unacknowledged with the broker
            Threads.awaitTermination(callbacks, THREAD_STOP, log);
        }
        ExecutorService completions = completionExecutor;
        if (completions != null) {
            completions.shutdown();
            Threads.awaitTermination(completions, THREAD_STOP, log);
        }
        started = false;
    }

    private void signalFirstConnection() {
        synchronized (firstConnection) {
            firstConnection.notifyAll();
        }
    }

    /**
     * Waits, at most {@link #connAckWait()}, while start() is still connecting: messages of a resumed session
     * can be delivered before the CONNACK is handled, and an answer to one made then would otherwise fail as
     * "not started". The transport's and the client's threads never wait (one of them handles the CONNACK).
     */
    private void awaitFirstConnection() {
        if (mustNotWait(Thread.currentThread())) {
            return;
        }
        long deadline = System.nanoTime() + connAckWait().toNanos();
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

    private boolean mustNotWait(Thread t) {
        return t == callbackThread || isClientThread(t);
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public final void subscribe(String filter, int qos, MessageHandler handler) throws TransportException {
        if (Thread.currentThread() == callbackThread) {
            throw new IllegalStateException("subscribe() must not be called from a message handler");
        }
        TopicFilter parsed = TopicFilter.parse(filter);
        if (qos < 0 || qos > 1) {
            throw new IllegalArgumentException("subscription qos must be 0 or 1, got " + qos
                    + " (QoS 2 with manual acknowledgement is redelivered twice by Paho 1.2.5, so no client offers it)");
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
        String names = subs.stream().map(s -> "'" + s.filter + "'").reduce((a, b) -> a + ", " + b).orElse("");
        CompletableFuture<SubAck> f = subscribe(subs);
        SubAck subAck;
        try {
            subAck = f.get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new TransportException(TransportException.Reason.TIMEOUT, "no SUBACK from " + settings.serverUri()
                    + " for " + names + " within " + settings.operationTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(TransportException.Reason.FAILED, "interrupted while subscribing to " + names);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof TransportException te) {
                throw te;
            }
            throw new TransportException(reasonFor(cause), "cannot subscribe to " + names + " at "
                    + settings.serverUri() + ": " + describe(cause), cause);
        }
        for (int i = 0; i < subs.size(); i++) {
            int code = i < subAck.reasonCodes().size() ? subAck.reasonCodes().get(i) : 0;
            if (code >= MQTT_ERROR) {
                throw new TransportException(TransportException.Reason.REJECTED, "broker " + settings.serverUri()
                        + " refused the subscription to '" + subs.get(i).filter + "' with reason code 0x"
                        + Integer.toHexString(code) + subAck.reasonString().map(r -> " (" + r + ")").orElse(""));
            }
        }
        for (Subscription s : subs) {
            s.sent = true;
        }
    }

    // ---------------------------------------------------------------- events the adapter reports

    /**
     * A CONNACK (first connection or reconnect): takes the broker's limits and makes the transport
     * publishable. Any thread; never blocks.
     *
     * @param maxPacketSize  the broker's Maximum Packet Size, 0 or less when it announced none
     * @param receiveMaximum the broker's Receive Maximum, 0 or less when it announced none
     */
    protected final void connAck(boolean sessionPresent, long maxPacketSize, int receiveMaximum) {
        brokerMaxPacketSize = maxPacketSize <= 0
                ? OptionalInt.empty() : OptionalInt.of((int) Math.min(maxPacketSize, Integer.MAX_VALUE));
        window.setLimit(Math.min(settings.maxInFlight(), receiveMaximum <= 0 ? NO_RECEIVE_MAXIMUM : receiveMaximum));
        if (discardingSession) {
            discardingSession = false; // this connection started clean: whatever was kept for a resend is gone
            sessionLost("the connection started clean, discarding a poisoned session", null);
        }
        sessionKnown(sessionPresent);
        publishable = true;
        signalFirstConnection();
        log.info("{} connected to {} (session present: {}, in-flight window {}, broker max packet size {})",
                settings.clientId(), settings.serverUri(), sessionPresent, window.limit(),
                brokerMaxPacketSize.isPresent() ? brokerMaxPacketSize.getAsInt() + " bytes" : "none");
    }

    /**
     * After a reconnect's CONNACK, on the {@code -conn} thread: subscribes every registered filter again,
     * whatever the CONNACK's session-present flag says (only the client's own barrier where the client
     * resubscribes by itself into a new session, plus those registered while disconnected), then tells the
     * listeners. A resumed session is not trusted to hold its subscriptions: Mosquitto 2.0.11 restores a
     * persisted session after a restart without its {@code $share} subscriptions, and a gateway would receive
     * nothing. Subscribing again to a filter the session has replaces it (MQTT 5, 3.8.4): nothing is lost or
     * delivered twice, but the broker sends the filter's retained messages again.
     *
     * @throws TransportException when a subscription could not be restored; the listeners are not told
     */
    protected final void reconnected(boolean sessionPresent) throws TransportException {
        long kept = pendingPublishes.stream().filter(p -> p.kept).count();
        if (kept > 0) {
            log.info("{}: {} publish(es) in flight at the connection loss wait for the client's resend (session "
                    + "present: {})", settings.clientId(), kept, sessionPresent);
        }
        List<Subscription> all = List.copyOf(subscriptions);
        if (!sessionPresent && clientResubscribes()) {
            List<Subscription> unsent = all.stream().filter(s -> !s.sent).toList();
            long restored = all.size() - unsent.size();
            if (restored > 0) {
                resubscriptions.incrementAndGet();
                awaitResubscribed();
                log.info("{}: reconnected into a new session; the client resubscribed {} filter(s)",
                        settings.clientId(), restored);
            }
            sendSubscribe(unsent);
        } else {
            sendSubscribe(all);
            if (!all.isEmpty()) {
                resubscriptions.incrementAndGet();
                log.info("{} resubscribed {} filter(s) after reconnecting ({})", settings.clientId(), all.size(),
                        sessionPresent ? "the broker resumed the session, which need not hold them"
                                : "a new session");
            }
        }
        reportConnected(true, sessionPresent);
    }

    /** Tells the listeners of a connection, on the {@code -conn} thread. */
    protected final void reportConnected(boolean reconnect, boolean sessionPresent) {
        tell(l -> l.connected(reconnect, sessionPresent));
    }

    /**
     * An established connection was lost and the client is reconnecting: logs it and tells the listeners.
     * Call {@link #connectionEnded()} too.
     */
    protected final void connectionLost(TransportException cause) {
        log.warn("{}: {}; reconnecting", settings.clientId(), cause.getMessage());
        tell(l -> l.connectionLost(cause));
    }

    /**
     * A connection ended (lost, or dropped by the transport): acknowledgements of its messages are no longer
     * sent; each one's {@link Delivery#abandon()} runs now. Any thread; never blocks.
     */
    protected final void connectionEnded() {
        generation.incrementAndGet();
        for (Long tag : List.copyOf(pendingAcks.keySet())) {
            PendingAck p = pendingAcks.remove(tag);
            if (p != null) {
                p.delivery.abandon();
            }
        }
    }

    /**
     * The client library could not decode a packet the broker sent (a malformed PUBLISH that the broker forwarded
     * anyway) and dropped or lost the connection over it. Resuming the session would only bring the same packet
     * back (an unacknowledged QoS 1/2 message is redelivered first), so the transport's next connection starts
     * clean: the session, and with it that message and whatever else the broker held for this client, is
     * discarded. Counts it ({@link TransportCounters#poisonedSessionsDiscarded()}) and logs one WARN naming the
     * cause. Any thread; never blocks.
     */
    protected final void discardingPoisonedSession(String cause) {
        discardingSession = true;
        long n = poisonedSessions.incrementAndGet();
        log.warn("{}: the MQTT client could not decode a packet from {} (a malformed packet: {}); reconnecting with a "
                + "clean start, which discards the session with that message and any others the broker held for "
                + "this client ({} time(s) so far)", settings.clientId(), settings.serverUri(), cause, n);
    }

    /**
     * Whether a publish in flight when its connection ends is resent by the client on the next connection: the
     * session is expected to resume ({@link MqttSettings#cleanStart()} false, a session expiry above 0), it is not
     * being discarded ({@link #discardingPoisonedSession}) and the transport is not closed.
     */
    protected final boolean sessionResumes() {
        return !closed && !discardingSession && !settings.cleanStart() && !settings.sessionExpiry().isZero();
    }

    /**
     * The connection of every outstanding publish ended before the broker acknowledged it: each goes through
     * {@link PendingPublish#interrupted}. Any thread; never blocks.
     */
    protected final void publishesInterrupted(String why, Throwable cause) {
        for (PendingPublish p : List.copyOf(pendingPublishes)) {
            p.interrupted(" before the connection ended (" + why + ")", cause);
        }
    }

    /**
     * The session the kept publishes were to be resent in is gone and the client dropped them unsent (a
     * reconnect with a clean start or without a session present, as the adapter's client handles it): each
     * kept one fails with {@code SESSION_LOST}, freeing its slot. Publishes of the new connection are not
     * touched. Any thread; never blocks.
     */
    protected final void sessionLost(String why, Throwable cause) {
        for (PendingPublish p : List.copyOf(pendingPublishes)) {
            if (p.kept) {
                p.sessionLost(why, cause);
            }
        }
    }

    /**
     * The CONNACK's verdict for the QoS 2 publishes whose PUBREC came before their connection ended
     * ({@link PendingPublish#pubrecReceived}): where the broker resumed the session each one's held outcome
     * (the PUBCOMP of the resent PUBREL, if it came first) is released, and the exchange goes on; where it did
     * not, each fails {@code SESSION_LOST}. A broker that hands a QoS 2 message on at PUBREL (Mosquitto 2.0.11)
     * lost it with the session, yet answers the PUBREL the client resends into the new session with a PUBCOMP
     * that is no error (it cannot tell it from a repeated one), so the client's own success means nothing here.
     */
    private void sessionKnown(boolean sessionPresent) {
        int lost = 0;
        for (PendingPublish p : List.copyOf(pendingPublishes)) {
            if (p.sessionKnown(sessionPresent)) {
                lost++;
            }
        }
        if (lost > 0) {
            log.warn("{}: {} QoS 2 publish(es) whose PUBREC came before the connection ended fail SESSION_LOST: the "
                    + "broker did not resume the session, so their exchanges cannot be completed (a broker that hands "
                    + "QoS 2 messages on at PUBREL, as Mosquitto does, lost them with it)", settings.clientId(), lost);
        }
    }

    /**
     * A message arrived, on the client's thread, in arrival order. Dispatched on the callback thread (this one,
     * or the transport's own) to every handler whose filter matches; a QoS 1/2 message is acknowledged through
     * {@code delivery} once each of them has acked it. Never throws.
     *
     * @param toIncoming makes the message, given its delivery tag
     */
    protected final void received(String topic, int qos, LongFunction<Incoming> toIncoming, Delivery delivery) {
        try {
            long tag = 0;
            PendingAck pending = null;
            if (qos > 0) {
                tag = deliveryTags.incrementAndGet();
                pending = new PendingAck(delivery, generation.get());
                pendingAcks.put(tag, pending);
            }
            if (!ownCallbackThread) {
                callbackThread = Thread.currentThread();
                dispatch(topic, tag, pending, toIncoming);
                return;
            }
            ExecutorService callbacks = callbackExecutor;
            if (callbacks == null) {
                return;
            }
            long deliveryTag = tag;
            PendingAck forDispatch = pending;
            callbacks.execute(() -> dispatch(topic, deliveryTag, forDispatch, toIncoming));
        } catch (RejectedExecutionException e) {
            log.debug("message on '{}' not dispatched: transport closing; the broker keeps it", topic);
        } catch (RuntimeException e) {
            log.error("taking a message on '{}' failed; it stays unacknowledged", topic, e);
        }
    }

    /** On the callback thread. */
    private void dispatch(String topic, long tag, PendingAck pending, LongFunction<Incoming> toIncoming) {
        String inOrder = acksInArrivalOrder() ? " (acknowledgements go in arrival order, so later messages wait "
                + "for that too)" : "";
        List<Subscription> matches = new ArrayList<>(1);
        for (Subscription s : subscriptions) {
            if (s.filter.matches(topic)) {
                matches.add(s);
            }
        }
        if (matches.isEmpty()) {
            unmatched.incrementAndGet();
            if (!acksInArrivalOrder() && pending != null) {
                pendingAcks.remove(tag, pending); // nothing waits on it; the broker redelivers it
            }
            log.warn("{}: message on '{}' matches no registered subscription; left unacknowledged{}",
                    settings.clientId(), topic, inOrder);
            return;
        }
        Incoming incoming;
        try {
            incoming = toIncoming.apply(tag);
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
                        + "redelivers it when the session resumes{}", s.filter, topic, inOrder, e);
            }
        }
    }

    @Override
    public final void ack(Incoming message) {
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
        if (p.generation != generation.get() || !clientConnected()) {
            log.debug("ack of delivery {} on '{}' not sent: its connection is gone; the broker redelivers it",
                    tag, message.topic());
            p.delivery.abandon();
            return;
        }
        p.delivery.acknowledge();
    }

    // ---------------------------------------------------------------- publish

    @Override
    public final CompletableFuture<Void> publish(Outgoing message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            return failed(TransportException.Reason.CLOSED, "transport " + settings.clientId() + " is closed");
        }
        if (!(started || publishable) && connecting) {
            awaitFirstConnection();
        }
        if (!(started || publishable)) {
            return failed(TransportException.Reason.NOT_CONNECTED,
                    "transport " + settings.clientId() + " is not started; nothing was sent");
        }
        Optional<String> tooLarge = PacketLimit.tooLarge(message, PublishPacket.encodedSize(message),
                brokerMaxPacketSize, settings.maxPacketSize());
        if (tooLarge.isPresent()) {
            return failed(TransportException.Reason.PACKET_TOO_LARGE, tooLarge.get());
        }
        if (!clientConnected()) {
            return failed(TransportException.Reason.NOT_CONNECTED, "not connected to " + settings.serverUri()
                    + " (reconnecting); nothing was sent to '" + message.topic() + "'");
        }
        boolean mustNotWait = mustNotWait(Thread.currentThread());
        Duration wait = mustNotWait ? Duration.ZERO : settings.backpressureTimeout();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            if (!window.acquire(wait)) {
                return failed(TransportException.Reason.BACKPRESSURE, "in-flight window full: " + window.inFlight()
                        + " of " + window.limit() + " publishes await acknowledgement after waiting " + wait
                        + (mustNotWait ? " (a message handler or an MQTT client thread cannot wait)" : "")
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
            pending.fail(new TransportException(TransportException.Reason.CLOSED,
                    "transport closed; nothing was sent to '" + message.topic() + "'"));
            return pending.future;
        }
        try {
            publish(message, pending, deadline);
        } catch (RuntimeException e) {
            pending.fail(new TransportException(TransportException.Reason.FAILED,
                    "publish to '" + message.topic() + "' failed: " + describe(e), e));
        }
        return pending.future;
    }

    private static CompletableFuture<Void> failed(TransportException.Reason reason, String message) {
        return CompletableFuture.failedFuture(new TransportException(reason, message));
    }

    // ---------------------------------------------------------------- state

    @Override
    public final boolean isConnected() {
        return !closed && clientConnected();
    }

    @Override
    public final int unacknowledged() {
        return pendingAcks.size();
    }

    @Override
    public final OptionalInt brokerMaxPacketSize() {
        return brokerMaxPacketSize;
    }

    @Override
    public final void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    @Override
    public final void removeConnectionListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    @Override
    public final int inFlight() {
        return window.inFlight();
    }

    @Override
    public final int inFlightPeak() {
        return window.peak();
    }

    @Override
    public final int inFlightLimit() {
        return window.limit();
    }

    @Override
    public final long resubscriptions() {
        return resubscriptions.get();
    }

    @Override
    public final long unmatchedMessages() {
        return unmatched.get();
    }

    @Override
    public final long handlerFailures() {
        return handlerFailures.get();
    }

    @Override
    public final long poisonedSessionsDiscarded() {
        return poisonedSessions.get();
    }

    @Override
    public final long publishesKeptForResend() {
        return keptForResend.get();
    }

    /** Whether {@link #close()} has been called. */
    protected final boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- threads

    /** {@code splitee-mqtt-<clientId>-<role>}: the name of the transport's thread for {@code role}. */
    protected final String threadName(String role) {
        return threadPrefix + "-" + role;
    }

    /** Daemon threads named {@link #threadName}{@code (role)}. */
    protected final ThreadFactory threadFactory(String role) {
        return Threads.factory(threadName(role), true);
    }

    private ThreadFactory remembering(String role, Consumer<Thread> created) {
        ThreadFactory f = threadFactory(role);
        return r -> {
            Thread t = f.newThread(r);
            created.accept(t);
            return t;
        };
    }

    /** The {@code -complete} thread's executor, where publish futures complete (null before start). */
    protected final ExecutorService completionExecutor() {
        return completionExecutor;
    }

    /** Whether {@code t} is the {@code -complete} thread. */
    protected final boolean isCompletionThread(Thread t) {
        return t == completionThread;
    }

    /** Runs {@code r} on the {@code -conn} thread; dropped (logged) once the transport closes. */
    protected final void onConnThread(Runnable r) {
        onConnThread(r, Duration.ZERO);
    }

    /** Runs {@code r} on the {@code -conn} thread after {@code delay}; dropped once the transport closes. */
    protected final void onConnThread(Runnable r, Duration delay) {
        ScheduledExecutorService conn = connThread;
        if (closed || conn == null) {
            return;
        }
        try {
            conn.schedule(r, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("connection work dropped: transport closing");
        }
    }

    private void tell(Consumer<ConnectionListener> event) {
        if (listeners.isEmpty()) {
            return;
        }
        ScheduledExecutorService conn = connThread;
        if (conn == null) {
            return;
        }
        try {
            conn.execute(() -> listeners.tell(event));
        } catch (RejectedExecutionException e) {
            log.debug("connection event dropped: transport closing");
        }
    }

    private static void shutdownNow(ExecutorService e) {
        if (e != null) {
            e.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- helpers for adapters

    /**
     * The reconnect delay after {@code attempts} failed attempts: {@link MqttSettings#reconnectMinDelay()},
     * doubled per attempt, at most {@link MqttSettings#reconnectMaxDelay()}.
     */
    protected final Duration backoff(int attempts) {
        Duration d = settings.reconnectMinDelay();
        for (int i = 0; i < attempts && d.compareTo(settings.reconnectMaxDelay()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.reconnectMaxDelay()) > 0 ? settings.reconnectMaxDelay() : d;
    }

    /**
     * Waits up to {@link #connAckWait()} for a connection attempt's CONNACK.
     *
     * @throws TransportException {@code CONNECT_FAILED}: no CONNACK in time (no cause), or the client's
     *                            failure (as the cause), in a message naming the URI
     */
    protected final <T> T awaitConnAck(CompletableFuture<T> connAck) throws TransportException {
        try {
            return connAck.get(connAckWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connAck.cancel(true);
            throw new TransportException(TransportException.Reason.CONNECT_FAILED, "no CONNACK from "
                    + settings.serverUri() + " within " + settings.connectTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connAck.cancel(true);
            throw new TransportException(TransportException.Reason.CONNECT_FAILED,
                    "interrupted while connecting to " + settings.serverUri());
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = unwrap(e);
            throw new TransportException(TransportException.Reason.CONNECT_FAILED, "cannot connect to "
                    + settings.serverUri() + " as '" + settings.clientId() + "': " + describe(cause), cause);
        }
    }

    /** A client that cannot even be built for the settings (a bad URI, say). */
    protected final TransportException cannotCreate(Throwable e) {
        return new TransportException(TransportException.Reason.CONNECT_FAILED,
                "cannot create an MQTT client for " + settings.serverUri() + ": " + describe(e), e);
    }

    /**
     * Sockets with TCP_NODELAY (Nagle's algorithm against delayed ACKs stalled each round trip by ~40 ms),
     * over TLS from the PEM files of {@link MqttSettings#tls()}, or the JDK's trust store for an
     * {@code ssl://} URI without them.
     */
    protected final SocketFactory socketFactory() {
        if (settings.tls().isPresent()) {
            return new NoDelaySockets.Tls(PemTls.socketFactory(settings.tls().get()));
        }
        if (settings.serverUri().startsWith("ssl")) {
            return new NoDelaySockets.Tls((SSLSocketFactory) SSLSocketFactory.getDefault());
        }
        return new NoDelaySockets.Plain();
    }

    /** The trust managers for the CA file of {@code tls}. */
    protected static TrustManagerFactory trustManagers(MqttSettings.Tls tls) {
        return PemTls.trustManagerFactory(tls);
    }

    /** The key managers for the client certificate of {@code tls}, or null when it has none. */
    protected static KeyManagerFactory keyManagers(MqttSettings.Tls tls) {
        return PemTls.keyManagerFactory(tls);
    }

    /**
     * The payload of {@code m} itself, not a copy, for a client that takes a byte[] (Paho): it must not be
     * changed, and an {@link Outgoing} never changes it either.
     */
    protected static byte[] payloadArray(Outgoing m) {
        return m.payloadUnsafe();
    }

    /** Appends {@code e}'s root cause, if it has one, to a description. */
    protected static String withRootCause(StringBuilder description, Throwable e) {
        Throwable root = e.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root != e) {
            description.append(", caused by ").append(root);
        }
        return description.toString();
    }

    /** The cause inside an {@link ExecutionException} or {@link CompletionException}. */
    protected static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ---------------------------------------------------------------- types for adapters

    /** One registered filter with its handler, as the adapter subscribes it. */
    protected static final class Subscription {
        private final TopicFilter filter;
        private final int qos;
        private final MessageHandler handler;
        /** Whether the broker granted it on some connection (a resumed session still has it). */
        private volatile boolean sent;

        private Subscription(TopicFilter filter, int qos, MessageHandler handler) {
            this.filter = filter;
            this.qos = qos;
            this.handler = handler;
        }

        /** The topic filter as registered (a shared subscription keeps its {@code $share/<group>/} prefix). */
        public String filter() {
            return filter.filter();
        }

        public int qos() {
            return qos;
        }
    }

    /**
     * A SUBACK: one reason code per subscription, in order (0x80 and above refuse it), and the broker's reason
     * string if it sent one.
     */
    protected record SubAck(List<Integer> reasonCodes, Optional<String> reasonString) {
        public SubAck {
            reasonCodes = List.copyOf(reasonCodes);
            Objects.requireNonNull(reasonString, "reasonString");
        }
    }

    /** How the client acknowledges one delivered QoS 1/2 message; the base calls exactly one method, once. */
    protected interface Delivery {
        /** Every handler acked it, on its own connection, which is still up: send the acknowledgement. */
        void acknowledge();

        /**
         * Its connection ended (or the transport closes) before it was acknowledged; the broker redelivers it.
         * Default: nothing to do.
         */
        default void abandon() {
        }
    }

    private static final class PendingAck {
        final Delivery delivery;
        final long generation;
        final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);

        PendingAck(Delivery delivery, long generation) {
            this.delivery = delivery;
            this.generation = generation;
        }
    }

    /**
     * One publish handed to the client: releases its window slot exactly once and completes its future on the
     * {@code -complete} thread, whichever of its methods comes first.
     */
    protected final class PendingPublish {
        private static final Object SUCCESS = new Object();
        private final String topic;
        private final CompletableFuture<Void> future = new CompletableFuture<>();
        private final AtomicBoolean done = new AtomicBoolean();
        /** Its connection ended and it waits for the client's resend into the resumed session. */
        private volatile boolean kept;
        /** A QoS 2 publish whose PUBREC came ({@link #pubrecReceived}); its PUBCOMP has not. */
        private volatile boolean pubrec;
        /**
         * Its PUBREC came before its connection ended: until the next CONNACK says whether the broker resumed
         * the session, its outcome is held ({@link #held}). Guarded by {@code this}.
         */
        private boolean awaitingSession;
        /** The outcome that came while {@link #awaitingSession}: null for none, {@link #SUCCESS} or a failure. */
        private Object held;
        /** The CONNACK said the session is gone: it fails {@code SESSION_LOST}, whatever the client says. */
        private boolean lostWithSession;
        /** Its connection ended ({@link #interrupted}) and no CONNACK came since. Guarded by {@code this}. */
        private boolean disconnected;

        private PendingPublish(String topic) {
            this.topic = topic;
        }

        /**
         * Its connection ended before the broker acknowledged it. Where the session is expected to resume
         * ({@link #sessionResumes()}) it is kept, with its slot: the client resends it on the next connection and
         * the adapter settles it when the resend is acknowledged (or calls {@link #sessionLost} when the client
         * drops it). Where the next connection discards a poisoned session it fails {@code SESSION_LOST};
         * otherwise {@code CONNECTION_LOST} ({@code CLOSED} once closed): nothing resends it. {@code why}
         * follows "the broker did not acknowledge the publish to '<topic>'".
         *
         * @return whether it was kept (and is still pending)
         */
        public boolean interrupted(String why, Throwable cause) {
            if (done.get()) {
                return false;
            }
            if (discardingSession && !closed) {
                sessionLost("the next connection starts clean, discarding a poisoned session", cause);
                return false;
            }
            if (sessionResumes()) {
                if (!kept) {
                    kept = true;
                    keptForResend.incrementAndGet();
                }
                synchronized (this) {
                    disconnected = true;
                    if (pubrec) {
                        awaitingSession = true;
                    }
                }
                return true;
            }
            unacknowledged(closed ? TransportException.Reason.CLOSED : TransportException.Reason.CONNECTION_LOST,
                    why, cause);
            return false;
        }

        /**
         * The broker's PUBREC for this QoS 2 publish came (the adapter calls it when its client tells, live or, as
         * Paho's store does, before the next connect). The broker then has the message, and the exchange can only
         * be finished in the same session: if the connection ends before the PUBCOMP, the publish's outcome is held
         * until the next CONNACK; where that says no session is present the publish fails {@code SESSION_LOST}
         * (the device's answer stage publishes it again, as a new message), whatever the client reports. A
         * publish whose PUBREC had not come is left to the client (it resends the PUBLISH, which the broker
         * takes as new). Any thread; never blocks.
         */
        public void pubrecReceived() {
            if (done.get()) {
                return;
            }
            pubrec = true;
            synchronized (this) {
                if (disconnected) { // told after the loss (Paho, from its store): the same verdict waits
                    awaitingSession = true;
                }
            }
        }

        /** The next CONNACK came; returns whether that failed it ({@link #pubrecReceived}). */
        private boolean sessionKnown(boolean sessionPresent) {
            Object outcome;
            synchronized (this) {
                disconnected = false; // a PUBREC from now on is of this connection (a resend's, say)
                if (!awaitingSession) {
                    return false;
                }
                awaitingSession = false;
                lostWithSession = !sessionPresent; // from here on the client's outcome is dropped
                outcome = held;
                held = null;
            }
            if (!sessionPresent) {
                return finish(new TransportException(TransportException.Reason.SESSION_LOST, "the broker had the QoS 2 "
                        + "publish to '" + topic + "' (its PUBREC came) but the reconnect found no session present, "
                        + "so the exchange cannot be completed: a broker that hands QoS 2 messages on at PUBREL (as "
                        + "Mosquitto does) lost the message with the session; publish it again as a new one", null));
            }
            if (outcome == SUCCESS) {
                finish(null);
            } else if (outcome instanceof TransportException failure) {
                finish(failure);
            }
            return false;
        }

        /** Whether its outcome is held for the next CONNACK, or dropped after it (then keeps {@code outcome}). */
        private boolean hold(Object outcome) {
            synchronized (this) {
                if (lostWithSession) {
                    return true;
                }
                if (awaitingSession) {
                    held = outcome;
                    return true;
                }
                return false;
            }
        }

        /** Whether its connection ended and it waits for the client's resend ({@link #interrupted}). */
        public boolean isKept() {
            return kept && !done.get();
        }

        /**
         * The client dropped it unsent with its session (see {@link #sessionLost}); {@code why} says how.
         */
        public void sessionLost(String why, Throwable cause) {
            fail(new TransportException(TransportException.Reason.SESSION_LOST, "the broker did not acknowledge the "
                    + "publish to '" + topic + "', and the session it was to be resent in is gone (" + why
                    + "); it was not resent", cause));
        }

        /**
         * The broker acknowledged it (QoS 1/2) or it was written (QoS 0). Held until the next CONNACK where its
         * PUBREC came before its connection ended ({@link #pubrecReceived}).
         */
        public void succeeded() {
            if (!hold(SUCCESS)) {
                finish(null);
            }
        }

        /**
         * The broker refused it; {@code why} follows "rejected the publish to '<topic>'". Held as
         * {@link #succeeded()} is.
         */
        public void rejected(String why, Throwable cause) {
            TransportException failure = new TransportException(TransportException.Reason.REJECTED, "broker "
                    + settings.serverUri() + " rejected the publish to '" + topic + "'" + why, cause);
            if (!hold(failure)) {
                finish(failure);
            }
        }

        /**
         * No acknowledgement came; {@code why} follows "the broker did not acknowledge the publish to
         * '<topic>'". (A lost connection of a session that resumes goes through {@link #interrupted} instead.)
         */
        public void unacknowledged(TransportException.Reason reason, String why, Throwable cause) {
            finish(new TransportException(reason, "the broker did not acknowledge the publish to '" + topic + "'"
                    + why, cause));
        }

        /** It failed with {@code failure}. */
        public void fail(TransportException failure) {
            finish(Objects.requireNonNull(failure, "failure"));
        }

        /** The topic it goes to. */
        public String topic() {
            return topic;
        }

        /** Completes it with {@code failure} (null: success) unless it is done; returns whether this did. */
        private boolean finish(TransportException failure) {
            if (!done.compareAndSet(false, true)) {
                return false;
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
                return true;
            }
            try {
                completions.execute(complete);
            } catch (RejectedExecutionException e) {
                complete.run();
            }
            return true;
        }
    }
}
