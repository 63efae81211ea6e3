package io.splitee.mqtt.paho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Paho's own SEVERE records (one per connection loss, with a stack trace, printed by the root console
 * handler) never reach the root logger's handlers once a Paho transport exists.
 */
class PahoLogTest {

    @Test
    void creatingATransportTakesPahosRecordsOffTheConsole() {
        Transport t = Transport.mqtt(MqttSettings.builder("log-test", "tcp://127.0.0.1:1")
                .client(MqttSettings.Client.PAHO).build());
        t.close();
        assertTrue(PahoLog.installed(), "the bridge is installed once a Paho transport exists");
    }

    @Test
    void aSevereRecordFromPahoDoesNotReachTheRootHandlers() {
        PahoLog.install();
        List<LogRecord> atRoot = new CopyOnWriteArrayList<>();
        Handler spy = new Handler() {
            @Override
            public void publish(LogRecord r) {
                atRoot.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        Handler[] console = root.getHandlers(); // off while the control record is logged: it would print SEVERE
        for (Handler h : console) {
            root.removeHandler(h);
        }
        root.addHandler(spy);
        try {
            // what Paho's CommsSender logs when the broker goes away mid-write
            Logger.getLogger(PahoLog.PAHO + ".internal.CommsSender")
                    .logp(Level.SEVERE, "CommsSender", "run", "lossy-pub: exception",
                            new SocketException("Broken pipe (test)"));
            Logger.getLogger("io.splitee.other").severe("not Paho's (test)");
        } finally {
            root.removeHandler(spy);
            for (Handler h : console) {
                root.addHandler(h);
            }
        }
        assertEquals(1, atRoot.size(), "only the non-Paho record reaches the console: " + atRoot);
        assertEquals("not Paho's (test)", atRoot.get(0).getMessage());
    }
}
