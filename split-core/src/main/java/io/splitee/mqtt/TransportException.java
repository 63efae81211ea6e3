package io.splitee.mqtt;

import java.util.Objects;

/**
 * A transport operation failed. {@link #reason()} says how, so that callers can react (retry
 * later, shed load, fall back to local inference) without parsing messages; the message names
 * the broker URI, topic, sizes or limits involved and, where the client library reported it, its reason
 * ({@code Paho reason <code>} or {@code HiveMQ client: <exception>}).
 * Publish futures complete exceptionally with this exception (wrapped in a
 * {@link java.util.concurrent.CompletionException} by {@code join()}).
 */
public final class TransportException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** {@link Transport#start()} could not connect (refused, unreachable, TLS, bad credentials, timeout). */
        CONNECT_FAILED,
        /** The transport is not connected right now (it may be reconnecting); nothing was sent. */
        NOT_CONNECTED,
        /** The in-flight window stayed full for the whole back-pressure timeout; nothing was sent. */
        BACKPRESSURE,
        /** The encoded PUBLISH would exceed the maximum packet size; nothing was sent. */
        PACKET_TOO_LARGE,
        /**
         * The connection dropped before the broker acknowledged the publish, on a session that ends with its
         * connection (clean start, or a session expiry of 0): nothing resends it. It may or may not have
         * reached the broker. A publish of a session that is expected to resume does not fail so: it stays
         * pending across the reconnect and completes when the client's resend is acknowledged (see
         * {@link Transport#publish}), or fails with {@link #SESSION_LOST}.
         */
        CONNECTION_LOST,
        /**
         * The connection dropped before the broker acknowledged the publish, and the session it was to be
         * resent in is gone: the reconnect found no session on the broker, or started a new one on
         * purpose (a poisoned session discarded), so the client dropped it without resending. It may or
         * may not have reached the broker before the connection dropped. Also a QoS 2 publish whose PUBREC
         * had come, when the reconnect found no session: the exchange cannot be completed, and a broker that
         * hands QoS 2 messages on at PUBREL (Mosquitto) lost the message with the session.
         */
        SESSION_LOST,
        /** The broker answered with an MQTT 5 error reason code (0x80 or above). */
        REJECTED,
        /** A broker round trip (subscribe) did not finish within the operation timeout. */
        TIMEOUT,
        /** The transport was closed. */
        CLOSED,
        /** Any other client-side failure. */
        FAILED
    }

    private final Reason reason;

    /**
     * @param reason  what went wrong
     * @param message human-readable detail
     * @param cause   the underlying exception, may be null
     */
    public TransportException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
        this.reason = reason;
    }

    /**
     * @param reason  what went wrong
     * @param message human-readable detail
     */
    public TransportException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** What went wrong. */
    public Reason reason() {
        return reason;
    }
}
