package io.splitee.mqtt.paho;

import java.util.Arrays;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.slf4j.LoggerFactory;

/**
 * Paho's own log records, taken off {@code java.util.logging}'s console handler and written through SLF4J
 * at DEBUG under {@value #PAHO}. Paho 1.2.5 logs every connection loss at {@code SEVERE} with the stack
 * trace of its sender or receiver thread ("clientId: exception", {@code SocketException: Broken pipe}),
 * straight to standard error, whatever the application's logging says. The transport reports that same
 * loss once, as a typed {@link io.splitee.mqtt.TransportException} and a WARN line of its own, so Paho's
 * record is a duplicate: it stays available at DEBUG, with its throwable, and never reads as an error.
 */
final class PahoLog {
    /** Paho's loggers are named after its classes, all under this one. */
    static final String PAHO = "org.eclipse.paho.mqttv5.client";

    /** Held: {@code java.util.logging} keeps its loggers only weakly, and a collected one forgets its handler. */
    private static final Logger JUL = Logger.getLogger(PAHO);

    private static boolean installed;

    private PahoLog() {}

    /** Installs the bridge (once; later calls do nothing). */
    static synchronized void install() {
        if (!installed) {
            JUL.setUseParentHandlers(false);
            JUL.addHandler(new ToSlf4j());
            installed = true;
        }
    }

    /** Whether Paho's records bypass the console handler (for the test). */
    static boolean installed() {
        return !JUL.getUseParentHandlers()
                && Arrays.stream(JUL.getHandlers()).anyMatch(h -> h instanceof ToSlf4j);
    }

    /** Formats a record with its parameters and resource bundle, as the console handler would. */
    static String text(LogRecord r) {
        return r.getLoggerName() + ": " + new SimpleFormatter().formatMessage(r);
    }

    private static final class ToSlf4j extends Handler {
        private final org.slf4j.Logger out = LoggerFactory.getLogger(PAHO);

        @Override
        public void publish(LogRecord r) {
            if (r != null && out.isDebugEnabled()) {
                out.debug(text(r), r.getThrown());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
