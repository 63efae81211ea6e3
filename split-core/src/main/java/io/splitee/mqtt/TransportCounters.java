package io.splitee.mqtt;

/** The counters both transports keep for tests and diagnostics (package-private: not part of the API). */
interface TransportCounters {
    /** Publishes outstanding right now. */
    int inFlight();

    /** Highest number of publishes outstanding at once. */
    int inFlightPeak();

    /** Current limit of the in-flight window. */
    int inFlightLimit();

    /** How many reconnects restored subscriptions (every reconnect with at least one, resumed session or not). */
    long resubscriptions();

    /** Messages that matched no handler. */
    long unmatchedMessages();

    /** Handler invocations that threw. */
    long handlerFailures();

    /** Sessions discarded by a clean-start reconnect because the client could not decode a packet the broker sent. */
    long poisonedSessionsDiscarded();

    /**
     * Publishes in flight when their connection ended that were kept for the client's resend into the resumed
     * session instead of failing (each counted once, however many reconnects it waits through).
     */
    long publishesKeptForResend();
}
