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
         * The connection dropped before the broker acknowledged the publish. With a resumed
         * session (clean start off) the client resends it after reconnecting, so it may still arrive.
         */
        CONNECTION_LOST,
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
