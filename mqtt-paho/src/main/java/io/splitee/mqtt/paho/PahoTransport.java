package io.splitee.mqtt.paho;

import io.splitee.lifecycle.Threads;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportBase;
import io.splitee.mqtt.TransportException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;

/**
 * {@link io.splitee.mqtt.Transport} on Eclipse Paho's {@link MqttAsyncClient} (mqttv5 1.2.5): the primitives
 * {@link TransportBase} asks for, and the workarounds for what that version gets wrong:
 * <ul>
 * <li>No in-flight limit of its own beyond failing with 32202 once the broker's Receive Maximum is
 *     reached: the base's window bounds publishes. A 32202 that still happens (messages Paho resends after
 *     a reconnect hold broker slots that a publish failed on the old connection released) is retried until
 *     the back-pressure timeout and then reported as {@code BACKPRESSURE}, never as 32202.</li>
 * <li>Publishes in flight when a connection ends (read from its 1.2.5 classes): {@code ClientComms.shutdownConnection}
 *     gives every outstanding token the connection's exception and calls its listener's {@code onFailure}
 *     ({@code ClientState.resolveOldTokens}), but keeps a publish's token and message
 *     ({@code isDeliveryToken}). On the next CONNACK it resends every kept QoS 1/2 publish with DUP set
 *     ({@code restoreInflightMessages}) unless that connect asked for a clean start (then {@code clearState}
 *     drops them, their listeners never hear again); it does so whatever the CONNACK's session present
 *     says, so into a new session too, where the broker takes the resend as a new message. The PUBACK of a
 *     resend completes the same token and calls the same listener's {@code onSuccess}. So: where the
 *     session resumes, {@code onFailure} for a lost connection keeps the publish
 *     ({@link TransportBase.PendingPublish#interrupted}) and the resend's {@code onSuccess} completes it;
 *     the clean start after a poisoned session fails it {@code SESSION_LOST}; Paho never reports a session
 *     that the broker did not keep as lost, since it resends the publish into the new one.</li>
 * <li>It resends the PUBREL of a QoS 2 publish whose PUBREC had come into a new session too, and Mosquitto
 *     2.0.11 answers a PUBREL it does not know with a PUBCOMP that is no error, so the publish would complete
 *     though the broker lost the message with the session (it hands QoS 2 on at PUBREL). Paho has no PUBREC
 *     event, but it stores that PUBREL under {@code sc-<packet id>} until the PUBCOMP: the store we give it,
 *     {@link PubRelTracking}, keeps those packet ids, and before each connect {@link #releasesInFlight} tells the
 *     base which kept publishes have one ({@link TransportBase.PendingPublish#pubrecReceived}), so that the
 *     base holds their outcome until the CONNACK and fails them {@code SESSION_LOST} where no session is
 *     present. On our {@code -conn} thread; on Paho's threads only a set operation per PUBREC and PUBCOMP.</li>
 * <li>Oversized packets are sent and get the connection dropped: the base measures the encoded PUBLISH
 *     first and refuses it.</li>
 * <li>Shared subscriptions only reach the global callback: every message comes through the global callback
 *     and the base dispatches it by its own topic filter matching, on Paho's callback thread.</li>
 * <li>Its automatic reconnect neither resubscribes after a clean-start reconnect nor tells whether the
 *     session was resumed, and keeps its back-off delay in a static field shared by all clients. We
 *     reconnect ourselves on {@code splitee-mqtt-<clientId>-conn}: each attempt's CONNACK gives
 *     session-present, Receive Maximum and Maximum Packet Size, and every subscription is re-sent from that
 *     thread after every reconnect (never from inside Paho's callbacks, where a blocking subscribe can deadlock).</li>
 * <li>It sends a publish to a topic it has published to before on the connection as a topic alias only, keeps
 *     the in-flight packet so, and resends it so into a resumed session on the next connection, where the alias
 *     is unknown: Mosquitto closes every such reconnect as a protocol error. Before each reconnect the
 *     publishes in flight get their topic names back ({@link #unaliasInFlight}).</li>
 * <li>A callback that throws makes Paho drop the connection: ours never throw.</li>
 * <li>Its decoder throws unchecked exceptions on some packets a broker forwards without checking (correlation
 *     data of 32 KiB or more: Paho reads its length as a signed short), which kill its receiver thread and leave
 *     the connection open and deaf; a resumed session would bring the packet back. Paho's threads are therefore
 *     created in a thread group of ours ({@code splitee-mqtt-<clientId>-paho}): one that dies ends the connection,
 *     and the next one starts clean ({@link TransportBase#discardingPoisonedSession}).</li>
 * <li>Its file persistence stores a publish with the topic alias of its connection instead of the topic name, so
 *     a publish restored by the next process would be resent with an alias its connection never defined; and it
 *     forgets a completed publish without a trace. With {@link MqttSettings#persistenceDir()} the client stores
 *     in our {@link FilePersistence} instead: topic names, and a record of the last completed QoS 2 publishes
 *     ({@link #earlierPublishes()}).</li>
 * </ul>
 */
final class PahoTransport extends TransportBase {
    private static final int MQTT_ERROR = 0x80;

    static {
        PahoLog.install();
    }

    private final AtomicLong pahoWindowRetries = new AtomicLong();
    private volatile MqttAsyncClient client;
    private volatile MqttConnectionOptions options;
    /** Where Paho's threads are made (they inherit the group of the thread that calls connect). */
    private final ThreadGroup pahoThreads;
    /** Set when a Paho thread died on what the broker sent: the next connection starts clean. */
    private volatile boolean cleanStartOnce;
    /** The client's file store (null: memory only). */
    private volatile FilePersistence store;
    /** What the client stores in ({@link #store}, or Paho's memory store), with the PUBRELs Paho holds. */
    private volatile PubRelTracking persistence;
    /** The QoS 2 publishes an earlier process left in the store, as the first client found them. */
    private volatile List<Outgoing> earlier = List.of();

    PahoTransport(MqttSettings settings) {
        super(settings, false);
        pahoThreads = new ThreadGroup(threadName("paho")) {
            @Override
            public void uncaughtException(Thread t, Throwable e) {
                clientThreadDied(t, e);
            }
        };
    }

    // ---------------------------------------------------------------- connecting

    @Override
    protected boolean connect() throws TransportException {
        MqttConnectionOptions opts = connectionOptions();
        MqttAsyncClient c;
        try {
            c = new MqttAsyncClient(settings.serverUri(), settings.clientId(), persistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw cannotCreate(e);
        }
        FilePersistence s = store;
        earlier = s == null ? List.of() : s.earlier();
        c.setCallback(new Callback());
        c.setManualAcks(true);
        this.options = opts;
        this.client = c;
        IMqttToken token = awaitConnAck(connect(c));
        connAck(token);
        return token.getSessionPresent();
    }

    /** Connects from a thread of {@link #pahoThreads}, so that the threads Paho starts for it are in that group. */
    private CompletableFuture<IMqttToken> connect(MqttAsyncClient c) {
        unaliasInFlight(c);
        releasesInFlight(c);
        Outcome outcome = new Outcome();
        MqttConnectionOptions o = options;
        o.setCleanStart(cleanStartOnce || settings.cleanStart());
        Thread starter = new Thread(pahoThreads, () -> {
            try {
                c.connect(o, null, outcome);
            } catch (MqttException | RuntimeException e) {
                outcome.future.completeExceptionally(e);
            }
        }, threadName("paho-connect"));
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome.future.completeExceptionally(e);
        }
        return outcome.future;
    }

    /**
     * Gives every PUBLISH that Paho still holds in flight its topic name back and drops its topic alias, before
     * the client connects again: Paho resends them as they are when the broker resumes the session. Paho replaces
     * the topic of every publish after the first to a topic by the alias it chose on that connection (when the
     * broker's CONNACK allows aliases: Mosquitto allows 10) and keeps the packet so; but an alias is defined per
     * network connection (MQTT 5, 3.3.2.3.4), and on the new one it is unknown: Mosquitto 2.0.11 answers such a
     * resend with DISCONNECT 0x82 (protocol error) right after the CONNACK, on every reconnect. Only for
     * publishes of this client object: a file-persisted publish restored by a new client (no token knows its
     * topic) is resent as Paho stored it.
     */
    private void unaliasInFlight(MqttAsyncClient c) {
        int restored = 0;
        for (IMqttToken token : c.getPendingTokens()) {
            String[] topics = token.getTopics();
            if (token.getRequestMessage() instanceof MqttPublish p && topics != null && topics.length == 1
                    && topics[0] != null && (p.getTopicName() == null || p.getProperties().getTopicAlias() != null)) {
                p.setTopicName(topics[0]);
                p.getProperties().setTopicAlias(null);
                restored++;
            }
        }
        if (restored > 0) {
            log.debug("{}: {} publish(es) in flight get their topic names back for the resend", settings.clientId(),
                    restored);
        }
    }

    /**
     * Tells the base which QoS 2 publishes still in flight had their PUBREC before the connection ended, before the
     * client connects again: their outcome then waits for the CONNACK's session present
     * ({@link TransportBase.PendingPublish#pubrecReceived}). Paho has no event for a PUBREC; the store we give it
     * ({@link PubRelTracking}) sees the PUBREL Paho stores at a PUBREC and removes at the PUBCOMP. With the
     * connection down that does not change, and Paho resends what it holds only after this connect's CONNACK; the PUBCOMP of that resend may come before the transport sees
     * the CONNACK, which is why the base holds it. On the {@code -conn} thread (or start()'s), never on Paho's.
     */
    private void releasesInFlight(MqttAsyncClient c) {
        PubRelTracking p = persistence;
        if (p == null) {
            return;
        }
        int released = 0;
        for (IMqttToken token : c.getPendingTokens()) {
            if (token.getActionCallback() instanceof Published published
                    && token.getRequestMessage() instanceof MqttPublish m && p.pubrelHeld(m.getMessageId())) {
                published.pending.pubrecReceived();
                released++;
            }
        }
        if (released > 0) {
            log.debug("{}: {} QoS 2 publish(es) in flight had their PUBREC before the connection ended; they complete "
                    + "only if the broker resumes the session", settings.clientId(), released);
        }
    }

    /**
     * A Paho thread ended with an exception: its decoder failed on a packet from the broker (or Paho failed
     * otherwise). The connection is half dead (no receiver), so it is ended here and the next one starts clean.
     */
    private void clientThreadDied(Thread t, Throwable e) {
        MqttAsyncClient c = client;
        if (isClosed() || c == null) {
            log.debug("{}: Paho thread '{}' ended with {} after close", settings.clientId(), t.getName(), e.toString());
            return;
        }
        discardingPoisonedSession("Paho's thread '" + t.getName() + "' died with " + e);
        cleanStartOnce = true;
        onConnThread(() -> {
            if (isClosed() || client != c) {
                return;
            }
            try {
                c.disconnectForcibly(0, 100, true); // no wait for the DISCONNECT: every moment here loses messages
            } catch (MqttException | RuntimeException ignored) {
                // already down
            }
            connectionEnded();
            publishesInterrupted("the Paho client's thread died", e); // SESSION_LOST: the next connection is clean
            connectionLost(new TransportException(TransportException.Reason.CONNECTION_LOST,
                    "dropped the connection to " + settings.serverUri() + " after Paho failed on a packet", e));
            attemptReconnect(0);
        });
    }

    private void connAck(IMqttToken token) {
        MqttProperties props = token.getResponseProperties();
        Long maxPacket = props == null ? null : props.getMaximumPacketSize();
        Integer receiveMax = props == null ? null : props.getReceiveMaximum();
        connAck(token.getSessionPresent(), maxPacket == null ? 0 : maxPacket, receiveMax == null ? 0 : receiveMax);
    }

    /** On the conn thread; {@code attempts} failed attempts came before this one. */
    private void attemptReconnect(int attempts) {
        MqttAsyncClient c = client;
        if (isClosed() || c == null || c.isConnected()) {
            return;
        }
        Duration next = backoff(attempts + 1);
        IMqttToken token;
        try {
            token = awaitConnAck(connect(c));
        } catch (TransportException e) {
            if (e.getCause() instanceof MqttException m
                    && m.getReasonCode() == MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS) {
                onConnThread(() -> attemptReconnect(attempts), backoff(attempts));
                return;
            }
            if (e.getCause() == null) {
                abortConnect(c, false); // no CONNACK in time
            }
            log.info("{}: reconnect failed ({}); next attempt in {}", settings.clientId(), e.getMessage(), next);
            onConnThread(() -> attemptReconnect(attempts + 1), next);
            return;
        }
        cleanStartOnce = false;
        if (isClosed()) {
            return;
        }
        try {
            connAck(token);
            reconnected(token.getSessionPresent());
        } catch (TransportException | RuntimeException e) {
            log.error("{}: reconnected to {} but could not resubscribe ({}); disconnecting to try again in {}",
                    settings.clientId(), settings.serverUri(), e.getMessage(), next);
            abortConnect(c, true);
            connectionEnded();
            onConnThread(() -> attemptReconnect(attempts + 1), next);
        }
    }

    private static void abortConnect(MqttAsyncClient c, boolean sendDisconnect) {
        try {
            c.disconnectForcibly(0, 1000, sendDisconnect);
        } catch (MqttException | RuntimeException ignored) {
            // nothing to abort
        }
    }

    @Override
    protected boolean clientConnected() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected();
    }

    @Override
    protected void abandon() {
        MqttAsyncClient c = client;
        client = null;
        if (c != null) {
            abortConnect(c, true);
            closeQuietly(c);
        }
    }

    @Override
    protected void disconnect() {
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        long quiesce = settings.operationTimeout().toMillis();
        try {
            if (c.isConnected()) {
                c.disconnect(quiesce).waitForCompletion(quiesce + 1000);
            }
        } catch (MqttException | RuntimeException e) {
            log.debug("polite disconnect from {} failed: {}", settings.serverUri(), e.toString());
        }
        if (c.isConnected()) {
            abortConnect(c, true);
        }
        closeQuietly(c);
    }

    private void closeQuietly(MqttAsyncClient c) {
        try {
            c.close(true);
        } catch (MqttException | RuntimeException e) {
            log.debug("closing the Paho client failed: {}", e.toString());
        }
        FilePersistence s = store;
        if (s != null) {
            s.release();
        }
    }

    // ---------------------------------------------------------------- subscribe, publish

    @Override
    protected CompletableFuture<SubAck> subscribe(List<Subscription> subs) {
        MqttSubscription[] wire = new MqttSubscription[subs.size()];
        for (int i = 0; i < wire.length; i++) {
            wire[i] = new MqttSubscription(subs.get(i).filter(), subs.get(i).qos());
        }
        Outcome outcome = new Outcome();
        try {
            client.subscribe(wire, null, outcome, new MqttProperties());
        } catch (MqttException | RuntimeException e) {
            outcome.future.completeExceptionally(e);
        }
        return outcome.future.thenApply(token -> {
            int[] codes = token.getReasonCodes();
            List<Integer> list = codes == null ? List.of() : Arrays.stream(codes).boxed().toList();
            return new SubAck(list, reasonString(token));
        });
    }

    @Override
    protected void publish(Outgoing message, PendingPublish pending, long deadline) {
        MqttAsyncClient c = client; // set by connect() before anything is published
        MqttMessage paho = PahoMessages.toPaho(message, payloadArray(message));
        long pauseMillis = 1;
        FilePersistence s = store;
        while (true) {
            try {
                if (s != null) {
                    s.publishing().set(message.topic()); // Paho stores the packet on this thread, alias and all
                }
                c.publish(message.topic(), paho, null, new Published(pending));
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT
                        && System.nanoTime() < deadline && !isClosed()) {
                    // Paho's own window is full of messages it resent after a reconnect: wait briefly.
                    pahoWindowRetries.incrementAndGet();
                    Threads.sleepQuietly(pauseMillis);
                    pauseMillis = Math.min(pauseMillis * 2, 50);
                    continue;
                }
                pending.fail(new TransportException(reasonFor(e), "publish to '" + message.topic() + "' at "
                        + settings.serverUri() + " failed before sending: " + describe(e), e));
                return;
            } finally {
                if (s != null) {
                    s.publishing().remove();
                }
            }
        }
    }

    @Override
    public List<Outgoing> earlierPublishes() {
        return earlier;
    }

    /** Publishes Paho itself counts as in flight. */
    int pahoInFlight() {
        MqttAsyncClient c = client;
        return c == null ? 0 : c.getInFlightMessageCount();
    }

    /** Publishes retried because Paho's own window was full (its 32202), never surfaced. */
    long pahoWindowRetries() {
        return pahoWindowRetries.get();
    }

    // ---------------------------------------------------------------- Paho's callbacks

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
                connectionEnded();
                if (isClosed()) {
                    return;
                }
                connectionLost(new TransportException(TransportException.Reason.CONNECTION_LOST,
                        "lost the connection to " + settings.serverUri() + ": " + why, response.getException()));
                onConnThread(() -> attemptReconnect(0), backoff(0));
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
            int id = message.getId();
            int qos = message.getQos();
            received(topic, qos, tag -> PahoMessages.toIncoming(topic, message, tag), new Delivery() {
                @Override
                public void acknowledge() {
                    MqttAsyncClient c = client;
                    try {
                        if (c != null) {
                            c.messageArrivedComplete(id, qos);
                        }
                    } catch (MqttException | RuntimeException e) {
                        log.warn("could not acknowledge message {} on '{}' ({}); the broker redelivers it when the "
                                + "session resumes", id, topic, describe(e));
                    }
                }
            });
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // publish outcomes arrive through each publish's own listener
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

    /** A Paho token's outcome as a future. */
    private static final class Outcome implements MqttActionListener {
        final CompletableFuture<IMqttToken> future = new CompletableFuture<>();

        @Override
        public void onSuccess(IMqttToken token) {
            future.complete(token);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            future.completeExceptionally(exception != null ? exception
                    : new IllegalStateException("Paho reported a failure without its exception"));
        }
    }

    /** Settles one publish with Paho's answer. */
    private final class Published implements MqttActionListener {
        private final PendingPublish pending;

        Published(PendingPublish pending) {
            this.pending = pending;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            int[] codes = token.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] >= MQTT_ERROR) {
                pending.rejected(" with reason code 0x" + Integer.toHexString(codes[0])
                        + reasonString(token).map(r -> " (" + r + ")").orElse(""), null);
            } else {
                pending.succeeded();
            }
        }

        /**
         * Paho fails every publish token outstanding when a connection ends (32109 lost, 32000 keep-alive timeout,
         * 32102 our forcible disconnect) and again at every failed reconnect attempt (with that attempt's failure,
         * 32103 for a refused connection), but keeps the token and its message and calls this listener again, with
         * success, when the resend is acknowledged: the base keeps the publish for that where the session resumes.
         */
        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            TransportException.Reason reason = exception == null ? TransportException.Reason.FAILED : reasonFor(exception);
            String why = ": " + (exception == null ? "no reason given" : describe(exception));
            if (reason == TransportException.Reason.NOT_CONNECTED || reason == TransportException.Reason.TIMEOUT
                    || reason == TransportException.Reason.CONNECTION_LOST || pending.isKept() || !clientConnected()) {
                pending.interrupted(why, exception);
                return;
            }
            pending.unacknowledged(reason, why, exception);
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
        settings.maxIncomingPacketSize().ifPresent(n -> o.setMaximumPacketSize((long) n));
        settings.credentials().ifPresent(cr -> {
            o.setUserName(cr.username());
            o.setPassword(cr.password());
        });
        settings.will().ifPresent(w -> o.setWill(w.topic(),
                new MqttMessage(w.payload(), w.qos(), w.retained(), new MqttProperties())));
        o.setSocketFactory(socketFactory());
        return o;
    }

    private MqttClientPersistence persistence() {
        FilePersistence s = settings.persistenceDir()
                .map(d -> new FilePersistence(d, Transport.EARLIER_COMPLETED_KEPT)).orElse(null);
        store = s;
        PubRelTracking p = new PubRelTracking(s != null ? s : new MemoryPersistence());
        persistence = p;
        return p;
    }

    @Override
    protected TransportException.Reason reasonFor(Throwable t) {
        if (!(t instanceof MqttException e)) {
            return TransportException.Reason.FAILED;
        }
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
    @Override
    protected String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        if (e instanceof MqttException m) {
            sb.append("Paho reason ").append(m.getReasonCode()).append(" (").append(m.getMessage()).append(')');
        } else {
            sb.append(e);
        }
        return withRootCause(sb, e);
    }

    private static Optional<String> reasonString(IMqttToken token) {
        MqttProperties p = token.getResponseProperties();
        return p != null && p.getReasonString() != null ? Optional.of(p.getReasonString()) : Optional.empty();
    }
}
