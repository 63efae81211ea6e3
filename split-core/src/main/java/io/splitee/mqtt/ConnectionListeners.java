package io.splitee.mqtt;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The {@link Transport.ConnectionListener}s of one transport, shared by both implementations: each
 * event is told to every listener in registration order, and a listener that throws is logged, never
 * allowed to stop the others. The transport decides on which thread (its own {@code -conn} thread).
 */
final class ConnectionListeners {
    private final List<Transport.ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final Logger log;

    ConnectionListeners(Logger log) {
        this.log = log;
    }

    void add(Transport.ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(Transport.ConnectionListener listener) {
        listeners.remove(listener);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    /** Tells every listener, on the calling thread. */
    void tell(Consumer<Transport.ConnectionListener> event) {
        for (Transport.ConnectionListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.error("connection listener {} failed", l, e);
            }
        }
    }
}
