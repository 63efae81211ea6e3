package io.splitee.mqtt;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * Moves byte[] payloads with MQTT 5 properties between this process and a broker. It knows
 * nothing of what the bytes mean.
 *
 * <p><b>Threads.</b> {@link MessageHandler}s run on one callback thread per transport, in the order
 * the messages arrived. A handler must only hand the message to the application's own queue or
 * worker and return; it must not block, publish, subscribe or close the transport. Publish futures
 * complete on a thread of the transport's ({@code splitee-mqtt-<clientId>-complete}), never on the
 * callback thread. {@link ConnectionListener}s run on the transport's own thread
 * {@code splitee-mqtt-<clientId>-conn}.
 *
 * <p><b>Acknowledgements.</b> QoS 1/2 messages are acknowledged only by {@link #ack(Incoming)}.
 * A message that is never acked (the handler threw, the process crashed) stays with the broker
 * and is redelivered, with the duplicate flag, when the session resumes on the next connection;
 * the broker does not resend it on the same connection. Unacked messages count against
 * {@link MqttSettings#receiveMaximum()}. Delivery is at least once: with
 * {@link MqttSettings.Client#HIVEMQ} an ack reaches the broker only once every earlier message of the
 * same connection is acked (MQTT 5 requires acknowledgements in arrival order), so a message left
 * unacked keeps the later ones with the broker as well, and they are redelivered with it.
 *
 * <p><b>Reconnects.</b> After a lost connection the transport reconnects by itself with
 * exponential back-off. Every subscription is sent again after every reconnect, also when the
 * broker says it resumed the session (Mosquitto 2.0.11 resumes a persisted session without its
 * {@code $share} subscriptions after a restart); the broker then resends the retained messages that
 * match a plain filter.
 */
public interface Transport extends AutoCloseable {

    /**
     * Creates an MQTT 5 transport on the client library {@link MqttSettings#client()} names (Eclipse Paho or
     * the HiveMQ MQTT client), from the {@link io.splitee.mqtt.spi.TransportProvider} of that name on the class
     * path (modules {@code io.splitee:mqtt-paho} and {@code io.splitee:mqtt-hivemq}). Nothing connects until
     * {@link #start()}.
     *
     * @throws IllegalArgumentException when the client's module is not on the class path (the device jar has
     *                                  only Paho), in one line naming {@code mqtt.client} and what is missing
     */
    static Transport mqtt(MqttSettings settings) {
        return TransportProviders.create(settings);
    }

    /**
     * Connects, blocking up to {@link MqttSettings#connectTimeout()}, then subscribes every
     * filter registered so far. Idempotent: returns at once when already started. After a failure
     * the transport is not started and {@code start()} may be called again.
     *
     * @throws TransportException {@link TransportException.Reason#CONNECT_FAILED}, naming the URI and
     *                            the client's reason; or the reason a registered subscription failed
     *                            ({@code REJECTED}, {@code TIMEOUT}), in which case the connection is
     *                            closed again
     * @throws IllegalStateException after {@link #close()}
     */
    void start() throws TransportException;

    /**
     * Registers {@code handler} for messages matching {@code filter} (which may be a shared
     * subscription {@code $share/<group>/<filter>}) and, when connected, subscribes and waits for
     * the broker's answer. The registration is remembered: it is subscribed on {@link #start()}
     * and again after every reconnect. Registering the same filter again replaces
     * its handler and QoS. Register before {@link #start()} so that messages the broker kept for a
     * resumed session find their handler; a message that matches no handler is logged and left
     * unacknowledged.
     *
     * @throws TransportException {@link TransportException.Reason#REJECTED} if the broker refuses,
     *                            {@link TransportException.Reason#TIMEOUT}, or another reason
     * @throws IllegalArgumentException for a malformed filter or a QoS other than 0 or 1 (Paho 1.2.5
     *                                  hands a QoS 2 message to the application a second time when
     *                                  the broker's PUBREL arrives before the manual acknowledgement)
     * @throws IllegalStateException when called from a message handler
     */
    void subscribe(String filter, int qos, MessageHandler handler) throws TransportException;

    /**
     * Publishes. The future completes when the broker has acknowledged the message (QoS 1/2) or
     * when it has been written to the socket (QoS 0). At most {@link MqttSettings#maxInFlight()}
     * publishes (or fewer, if the broker's Receive Maximum is smaller) are outstanding; when the
     * window is full this call blocks up to {@link MqttSettings#backpressureTimeout()} for a free
     * slot. Failures complete the future exceptionally with a {@link TransportException}:
     * {@code PACKET_TOO_LARGE} (checked before sending, against the broker's CONNACK maximum
     * packet size and {@link MqttSettings#maxPacketSize()}), {@code BACKPRESSURE},
     * {@code NOT_CONNECTED}, {@code CONNECTION_LOST}, {@code SESSION_LOST}, {@code REJECTED} or
     * {@code CLOSED}. It never throws.
     *
     * <p>A QoS 1/2 publish in flight when the connection drops, on a session that is expected to resume
     * ({@link MqttSettings#cleanStart()} false and a {@link MqttSettings#sessionExpiry()} above 0), is
     * not failed: the client resends it on the next connection (with DUP set) and the future completes
     * when the broker acknowledges the resend; it keeps its in-flight slot meanwhile. It fails with
     * {@code SESSION_LOST} where the client drops it instead (the session is gone; the adapters'
     * package docs say when each client does), and with {@code CLOSED} on {@link #close()}. A caller
     * must therefore not publish such a message again itself: it would reach the broker twice. On a
     * session that ends with its connection the publish fails {@code CONNECTION_LOST} at once.
     *
     * <p>A QoS 2 publish whose PUBREC had come when the connection dropped (the broker has the message, the
     * PUBCOMP had not come) completes only once the next CONNACK says the broker resumed the session; where it
     * did not, the publish fails {@code SESSION_LOST} whatever the client reports (a broker that hands QoS 2
     * messages on at PUBREL, as Mosquitto does, lost it with the session, and answers the client's resent PUBREL
     * with a PUBCOMP all the same). Such a message can only be published again as a new one: against Mosquitto it
     * then arrives once; a broker that hands QoS 2 messages on at PUBLISH may deliver it twice.
     */
    CompletableFuture<Void> publish(Outgoing message);

    /**
     * Acknowledges a QoS 1/2 message to the broker. Does nothing for QoS 0, for a message already
     * acked, and for a message that arrived on an earlier connection (the broker redelivers that
     * one, and its redelivery is acked instead). A message dispatched to several overlapping
     * subscriptions is acknowledged once each of their handlers has acked it.
     */
    void ack(Incoming message);

    /**
     * QoS 1/2 messages delivered on the current connection and not acknowledged yet. They count against
     * {@link MqttSettings#receiveMaximum()}: once that many are held, the broker keeps the rest for this client.
     */
    int unacknowledged();

    /**
     * The QoS 2 publishes an earlier process of this client left in the client's persistence ({@link
     * MqttSettings#persistenceDir()}), as the first connection of {@link #start()} found them: those the broker had
     * not completed (no PUBCOMP yet), which this transport sends again into the resumed session with their packet
     * ids, so the broker delivers each once; and the last ones it had completed (at most {@value
     * #EARLIER_COMPLETED_KEPT}), whose record was written before the client forgot them. Each is, or will be,
     * delivered exactly once by the broker, provided the session resumes. Empty before {@link #start()}, without
     * persistence, and for a client that has none ({@link MqttSettings.Client#HIVEMQ}). QoS 0 and 1 publishes are
     * not listed (a QoS 1 resend may be delivered twice).
     */
    default List<Outgoing> earlierPublishes() {
        return List.of();
    }

    /** How many completed QoS 2 publishes a client with persistence keeps a record of ({@link #earlierPublishes()}). */
    int EARLIER_COMPLETED_KEPT = 1024;

    /** Whether the connection to the broker is up right now. */
    boolean isConnected();

    /** The broker's Maximum Packet Size from the last CONNACK, if it announced one. */
    OptionalInt brokerMaxPacketSize();

    /** Adds a listener for connection events; it is called on the transport's own thread. */
    void addConnectionListener(ConnectionListener listener);

    /** Removes a listener added before; unknown listeners are ignored. */
    void removeConnectionListener(ConnectionListener listener);

    /**
     * Disconnects politely (waiting up to {@link MqttSettings#operationTimeout()} for
     * outstanding acknowledgements), stops reconnecting, releases threads and fails every
     * outstanding publish future with {@code CLOSED}. Idempotent. No last will is published.
     */
    @Override
    void close();

    /**
     * Receives messages. Runs on the MQTT client's callback thread: it must only enqueue the
     * message for the application's own worker and return quickly. If it throws, the exception is
     * logged and the message is not acknowledged (the broker redelivers it when the session resumes).
     */
    @FunctionalInterface
    interface MessageHandler {
        /** Takes one message; see the interface description for the threading rules. */
        void onMessage(Incoming message);
    }

    /** Connection events, delivered on the transport's own thread in the order they happened. */
    interface ConnectionListener {
        /**
         * A connection is up.
         *
         * @param reconnect      false for the first connection made by {@link #start()}
         * @param sessionPresent whether the broker resumed the previous session; if not, the
         *                       transport has already subscribed again
         */
        void connected(boolean reconnect, boolean sessionPresent);

        /**
         * The connection dropped; the transport is reconnecting by itself.
         *
         * @param cause why, as the client reported it
         */
        void connectionLost(TransportException cause);
    }
}
