package io.splitee.mqtt.hivemq;

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
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.advanced.Mqtt5ClientAdvancedConfig;
import com.hivemq.client.mqtt.mqtt5.advanced.interceptor.Mqtt5ClientInterceptors;
import com.hivemq.client.mqtt.mqtt5.advanced.interceptor.qos2.Mqtt5OutgoingQos2Interceptor;
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
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckRestrictions;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubcomp.Mqtt5PubComp;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRec;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrel.Mqtt5PubRel;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrel.Mqtt5PubRelBuilder;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.reactivex.disposables.Disposable;
import io.reactivex.schedulers.Schedulers;
import io.splitee.lifecycle.Threads;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.TransportBase;
import io.splitee.mqtt.TransportException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;

/**
 * {@link io.splitee.mqtt.Transport} on the HiveMQ MQTT client 1.3 ({@link Mqtt5AsyncClient}, Netty
 * underneath): the primitives {@link TransportBase} asks for, and what this client needs besides:
 * <ul>
 * <li>Threads: one Netty event loop on our thread {@code splitee-mqtt-<clientId>-netty}; messages are taken
 *     from it by one global, manually acknowledged publish flow and handed, in order, to the base's
 *     {@code -callback} thread; publish and subscribe futures complete on {@code -complete} (the client's
 *     application scheduler).</li>
 * <li>Acknowledgements: the client sends PUBACKs in the order the messages arrived (MQTT 5 [MQTT-4.6.0-2])
 *     and keeps every message queued until it is acknowledged, across reconnects. A message that is never
 *     acknowledged would therefore hold back every later acknowledgement for good. So when a connection
 *     ends, every message of it that is still unacknowledged is released to the client (which sends nothing
 *     for a message of a closed connection; the broker redelivers it).</li>
 * <li>Reconnects: the client's own reconnect, driven from its disconnected listener with our exponential
 *     back-off, keeps the session, the global flow and the client's subscriptions (it resubscribes into a new
 *     session itself, but gives no signal when the broker has granted them). So before telling the connection
 *     listeners of a reconnect into a new session we send one UNSUBSCRIBE of a filter nobody subscribes,
 *     after the client's own SUBSCRIBE on the same connection, and wait for its UNSUBACK: the broker handles
 *     a connection's packets in order, so the subscriptions are in place by then (without this barrier a
 *     message published right after the reconnect could reach the broker first and be lost; a CI run did
 *     that). Filters registered while disconnected are subscribed by the base on the next connection. Into a
 *     resumed session the client subscribes nothing, and the base sends every filter again (a broker that
 *     restored a persisted session need not have restored its subscriptions: Mosquitto 2.0.11 drops
 *     {@code $share} ones).</li>
 * <li>Publishes: the client's send maximum is set to the base's window bound, so it never queues a publish
 *     out of sight. Across a lost connection (read from its 1.3.7 classes): the client does not complete
 *     the futures of publishes in flight; {@code MqttOutgoingQosHandler} keeps them and resends them, DUP
 *     set, when the session resumes ({@code onSessionStartOrResume}), completing each future with the
 *     resend's PUBACK. {@code MqttSession} ends the session, failing every kept future with
 *     {@code MqttSessionExpiredException}, when a CONNACK says no session is present (also after our
 *     clean start for a poisoned session), when the session expiry elapses client-side (1.1 × the
 *     interval after the loss) and at once for a session expiry of 0. So where the session resumes the
 *     base keeps the publish ({@link TransportBase.PendingPublish#interrupted}) and the client's future
 *     settles it; {@code MqttSessionExpiredException} fails it {@code SESSION_LOST}. Not so a QoS 2 publish
 *     whose PUBREC had come: when the session ends the client completes its future successfully
 *     ({@code onSessionEnd} acknowledges a publish waiting for its PUBCOMP), though a broker that hands QoS 2
 *     on at PUBREL (Mosquitto 2.0.11) lost the message with the session. The client's outgoing QoS 2
 *     interceptor ({@code onPubRec}, on the Netty thread: one map lookup) tells the base of each PUBREC
 *     ({@link TransportBase.PendingPublish#pubrecReceived}); the base holds such a publish's outcome across a
 *     lost connection until the CONNACK and fails it {@code SESSION_LOST} where no session is present.</li>
 * <li>A broker that overruns our Receive Maximum (Mosquitto 2.0.11 does) makes the client drop the
 *     connection: reconnects then announce the largest one.</li>
 * </ul>
 */
final class HiveMqTransport extends TransportBase {
    private static final Duration CONNECT_SLACK = Duration.ofSeconds(2);
    /** The largest Receive Maximum (MQTT 5): what a transport announces once a broker has overrun its own. */
    static final int RAISED_RECEIVE_MAXIMUM = 65_535;

    private volatile Connection connection;

    HiveMqTransport(MqttSettings settings) {
        super(settings, true);
        if (settings.client() != MqttSettings.Client.HIVEMQ) {
            throw new IllegalArgumentException("settings.client is " + settings.client() + ", not HIVEMQ");
        }
    }

    // ---------------------------------------------------------------- the base's primitives

    @Override
    protected boolean connect() throws TransportException {
        Connection conn;
        try {
            conn = new Connection();
        } catch (IllegalArgumentException e) {
            throw cannotCreate(e);
        }
        connection = conn;
        return awaitConnAck(conn.client.connect(conn.connect)).isSessionPresent();
    }

    @Override
    protected Duration connAckWait() {
        return settings.connectTimeout().plus(CONNECT_SLACK);
    }

    @Override
    protected void abandon() {
        Connection conn = connection;
        if (conn != null) {
            connection = null;
            conn.abandon();
        }
    }

    @Override
    protected void disconnect() {
        Connection conn = connection;
        if (conn != null) {
            conn.close();
        }
    }

    @Override
    protected CompletableFuture<SubAck> subscribe(List<Subscription> subs) {
        List<Mqtt5Subscription> wire = new ArrayList<>(subs.size());
        for (Subscription s : subs) {
            wire.add(Mqtt5Subscription.builder().topicFilter(s.filter()).qos(HiveMqMessages.qos(s.qos())).build());
        }
        Mqtt5Subscribe subscribe = Mqtt5Subscribe.builder().addSubscriptions(wire).build();
        return connection.client.subscribe(subscribe).handle((ack, error) -> {
            Throwable cause = error == null ? null : unwrap(error);
            if (cause instanceof Mqtt5SubAckException se) {
                return subAck(se.getMqttMessage());
            }
            if (cause != null) {
                throw new CompletionException(cause);
            }
            return subAck(ack);
        });
    }

    private static SubAck subAck(Mqtt5SubAck ack) {
        return new SubAck(ack.getReasonCodes().stream().map(Mqtt5SubAckReasonCode::getCode).toList(),
                ack.getReasonString().map(Object::toString));
    }

    @Override
    protected void publish(Outgoing message, PendingPublish pending, long deadline) {
        Connection conn = connection;
        Mqtt5Publish publish = HiveMqMessages.toHiveMq(message);
        if (message.qos() == 2) {
            conn.qos2InFlight.put(publish, pending); // before the client has it: its PUBREC cannot come first
        }
        conn.client.publish(publish).whenComplete((result, error) -> {
            if (message.qos() == 2) {
                conn.qos2InFlight.remove(publish);
            }
            settle(pending, result, error);
        });
    }

    /**
     * The client's outgoing QoS 2 interceptor, on the Netty thread: a PUBREC without an error code came for a
     * publish of ours. The client then completes that publish when the session ends, PUBCOMP or not
     * ({@code MqttOutgoingQosHandler.onSessionEnd} acknowledges a publish waiting for its PUBCOMP), so the base
     * is told now ({@link TransportBase.PendingPublish#pubrecReceived}) and decides by the next CONNACK.
     */
    private final class PubRecs implements Mqtt5OutgoingQos2Interceptor {
        private final Map<Mqtt5Publish, PendingPublish> inFlight;

        PubRecs(Map<Mqtt5Publish, PendingPublish> inFlight) {
            this.inFlight = inFlight;
        }

        @Override
        public void onPubRec(Mqtt5ClientConfig config, Mqtt5Publish publish, Mqtt5PubRec pubRec,
                Mqtt5PubRelBuilder pubRel) {
            PendingPublish pending = inFlight.get(publish);
            if (pending != null) {
                pending.pubrecReceived();
            }
        }

        @Override
        public void onPubRecError(Mqtt5ClientConfig config, Mqtt5Publish publish, Mqtt5PubRec pubRec) {
            // the client fails the publish with Mqtt5PubRecException: REJECTED
        }

        @Override
        public void onPubComp(Mqtt5ClientConfig config, Mqtt5PubRel pubRel, Mqtt5PubComp pubComp) {
            // the client completes the publish's future
        }
    }

    private void settle(PendingPublish pending, Mqtt5PublishResult result, Throwable error) {
        Throwable t = error == null ? null : unwrap(error);
        if (t == null && result != null && result.getError().isPresent()) {
            t = result.getError().get();
        }
        if (t == null) {
            pending.succeeded();
            return;
        }
        if (t instanceof MqttSessionExpiredException) {
            pending.sessionLost("HiveMQ client: " + t.getMessage(), t); // the client dropped it with the session
            return;
        }
        TransportException.Reason reason = reasonFor(t);
        if (reason == TransportException.Reason.REJECTED) {
            pending.rejected(": " + describe(t), t);
        } else {
            pending.unacknowledged(reason, ": " + describe(t), t);
        }
    }

    @Override
    protected boolean clientResubscribes() {
        return true;
    }

    /**
     * Waits until the broker has handled the client's own resubscription: an UNSUBSCRIBE of a filter nobody
     * subscribes goes out after it on the same connection, and the broker answers a connection's packets in
     * order. Any answer will do (Mosquitto says "no subscription existed"); without one in the operation
     * timeout we go on and say so.
     */
    @Override
    protected void awaitResubscribed() {
        Connection conn = connection;
        if (conn == null) {
            return;
        }
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

    @Override
    protected boolean acksInArrivalOrder() {
        return true;
    }

    /** The Netty thread and the {@code -complete} thread (the client's application scheduler) must not wait. */
    @Override
    protected boolean isClientThread(Thread t) {
        return isCompletionThread(t) || t.getName().startsWith(threadName("netty"));
    }

    /** Between a CONNACK and the end of that connection. */
    @Override
    protected boolean clientConnected() {
        Connection conn = connection;
        return conn != null && conn.isConnected();
    }

    /** Whether the client's end of the flow of incoming messages reached the transport (tests). */
    boolean sawIncomingEnd() {
        Connection c = connection;
        return c != null && c.incomingEnded.getCount() == 0;
    }

    /** Whether the broker overran our Receive Maximum, so that reconnects announce the largest one. */
    boolean receiveMaximumRaised() {
        Connection conn = connection;
        return conn != null && conn.receiveMaximumRaised;
    }

    // ---------------------------------------------------------------- the client's events

    /**
     * The global flow's callback, on the Netty thread, in the order the messages were read: the same thread
     * reports the connection's end, so a message is known to belong to the connection it came on.
     */
    private void onPublish(Connection conn, Mqtt5Publish publish) {
        if (conn.abandoned) {
            return;
        }
        received(publish.getTopic().toString(), publish.getQos().getCode(),
                tag -> HiveMqMessages.toIncoming(publish, tag), new Release(publish));
    }

    /**
     * Hands a message's acknowledgement to the client, which sends it in order, and nothing on a closed
     * connection: so also when its connection ended, or later acknowledgements would wait for it for good.
     */
    private final class Release implements Delivery {
        private final Mqtt5Publish publish;

        Release(Mqtt5Publish publish) {
            this.publish = publish;
        }

        @Override
        public void acknowledge() {
            try {
                publish.acknowledge();
            } catch (RuntimeException e) {
                log.debug("acknowledging the message on '{}' failed: {}", publish.getTopic(), e.toString());
            }
        }

        @Override
        public void abandon() {
            acknowledge();
        }
    }

    /**
     * The client ends the flow when the session ends: with our own DISCONNECT on close (with a zero session
     * expiry), which is expected, or otherwise, which means no more messages.
     */
    private void onIncomingEnded(Connection conn, Throwable e) {
        if (isClosed() || conn.abandoned) {
            log.debug("{}: the flow of incoming messages ended on close ({})", settings.clientId(), describe(e));
            return;
        }
        log.error("{}: the HiveMQ client ended the flow of incoming messages ({}); no more messages are delivered",
                settings.clientId(), describe(e));
    }

    /** On the Netty thread, for every CONNACK (first connection and reconnects). */
    private void onConnected(Connection conn, MqttClientConnectedContext context) {
        int n = conn.connects.incrementAndGet();
        conn.everConnected = true;
        conn.up = true;
        Mqtt5ConnAck connAck = context instanceof Mqtt5ClientConnectedContext c5 ? c5.getConnAck() : null;
        boolean sessionPresent = connAck != null && connAck.isSessionPresent();
        int maxPacket = 0;
        int receiveMaximum = 0;
        if (connAck != null) {
            Mqtt5ConnAckRestrictions r = connAck.getRestrictions();
            maxPacket = r.getMaximumPacketSize() >= MqttSettings.MQTT_MAX_PACKET_SIZE ? 0 : r.getMaximumPacketSize();
            receiveMaximum = r.getReceiveMaximum();
        }
        connAck(sessionPresent, maxPacket, receiveMaximum);
        if (isClosed() || conn.abandoned) {
            conn.client.disconnect();
            return;
        }
        if (n == 1) {
            return; // start() subscribes and reports the first connection
        }
        onConnThread(() -> {
            try {
                reconnected(sessionPresent);
            } catch (TransportException e) {
                log.error("{}: reconnected to {} but could not subscribe again ({}); "
                        + "the subscriptions are tried again on the next reconnect", settings.clientId(), settings.serverUri(),
                        e.getMessage());
                reportConnected(true, sessionPresent);
            }
        });
    }

    /** On the Netty thread, when a connection or a connection attempt ends. */
    private void onDisconnected(Connection conn, MqttClientDisconnectedContext context) {
        Throwable cause = context.getCause();
        boolean wasUp = conn.up;
        conn.up = false;
        boolean poisoned = wasUp && !isClosed() && !conn.abandoned && undecodable(context);
        if (poisoned) {
            discardingPoisonedSession(describe(cause));
        }
        if (wasUp) {
            connectionEnded();
            publishesInterrupted(describe(cause), cause); // kept where the client resends them
        }
        boolean ours = context.getSource() == MqttDisconnectSource.USER;
        if (isClosed() || conn.abandoned || ours) {
            return;
        }
        if (wasUp) {
            connectionLost(new TransportException(TransportException.Reason.CONNECTION_LOST,
                    "lost the connection to " + settings.serverUri() + ": " + describe(cause), cause));
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
        if (context instanceof Mqtt5ClientDisconnectedContext c5) {
            // Every reconnect states its clean start: true once after a poisoned session, the setting otherwise.
            Mqtt5Connect previous = c5.getReconnector().getConnect();
            Mqtt5ConnectBuilder next = previous.extend().cleanStart(poisoned || settings.cleanStart());
            if (conn.receiveMaximumRaised) {
                next.restrictions(previous.getRestrictions().extend().receiveMaximum(RAISED_RECEIVE_MAXIMUM).build());
            }
            c5.getReconnector().connect(next.build());
        }
        context.getReconnector().reconnect(true).delay(poisoned ? 0 : delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The client itself disconnected because it could not decode a packet the broker sent: a PUBLISH the broker
     * should have refused (Mosquitto 2.0.11 forwards a Response Topic with a wildcard, which the client's decoder
     * rejects with {@code TOPIC_NAME_INVALID}), or one larger than the Maximum Packet Size we announced.
     */
    private static boolean undecodable(MqttClientDisconnectedContext context) {
        if (context.getSource() != MqttDisconnectSource.CLIENT
                || !(context.getCause() instanceof Mqtt5DisconnectException d)) {
            return false;
        }
        return switch (d.getMqttMessage().getReasonCode()) {
            case MALFORMED_PACKET, PROTOCOL_ERROR, TOPIC_NAME_INVALID, TOPIC_ALIAS_INVALID, PAYLOAD_FORMAT_INVALID,
                    PACKET_TOO_LARGE -> true;
            default -> false;
        };
    }

    /** The client itself disconnected because the broker overran the Receive Maximum we announced. */
    private static boolean brokerExceededReceiveMaximum(MqttClientDisconnectedContext context) {
        return context.getSource() == MqttDisconnectSource.CLIENT
                && context.getCause() instanceof Mqtt5DisconnectException d
                && d.getMqttMessage().getReasonCode() == Mqtt5DisconnectReasonCode.RECEIVE_MAXIMUM_EXCEEDED;
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
        /** Our QoS 2 publishes the client has not settled, by identity (the interceptor gets the same object). */
        final Map<Mqtt5Publish, PendingPublish> qos2InFlight = Collections.synchronizedMap(new IdentityHashMap<>());

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
            ThreadFactory nettyThreads = threadFactory("netty");
            Executor nettyExecutor = r -> nettyThreads.newThread(r).start();
            MqttClientExecutorConfig executors = MqttClientExecutorConfig.builder()
                    .nettyExecutor(nettyExecutor)
                    .nettyThreads(1)
                    .applicationScheduler(Schedulers.from(completionExecutor()))
                    .build();
            this.client = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier(settings.clientId())
                    .transportConfig(transport.build())
                    .executorConfig(executors)
                    .advancedConfig(Mqtt5ClientAdvancedConfig.builder()
                            .interceptors(Mqtt5ClientInterceptors.builder()
                                    .outgoingQos2Interceptor(new PubRecs(qos2InFlight))
                                    .build())
                            .build())
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
            while (isConnected() && inFlight() > 0 && System.nanoTime() < deadline) {
                Threads.sleepQuietly(5);
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
                    .maximumPacketSize(settings.maxIncomingPacketSize().orElse(MqttSettings.MQTT_MAX_PACKET_SIZE))
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
                ssl.trustManagerFactory(trustManagers(tls));
                KeyManagerFactory kmf = keyManagers(tls);
                if (kmf != null) {
                    ssl.keyManagerFactory(kmf);
                }
            });
            return ssl.build();
        }
    }

    // ---------------------------------------------------------------- helpers

    @Override
    protected TransportException.Reason reasonFor(Throwable t) {
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
    @Override
    protected String describe(Throwable e) {
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
        return withRootCause(sb, e);
    }
}
