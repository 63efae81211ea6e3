package io.splitee.mqtt.hivemq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportContract;
import io.splitee.mqtt.TransportException;
import io.splitee.testenv.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link Transport} contract on the HiveMQ MQTT client ({@link HiveMqTransport}). The one difference
 * from Paho is the order of acknowledgements (see {@link #redeliveredAfterAckingTheEvenOnes}); the client
 * does not tell how many publishes it holds in flight, so only our window is checked.
 */
class HiveMqTransportIT extends TransportContract {
    /** The HiveMQ client's logger for incoming QoS 1/2 flows. */
    static final String HIVEMQ_QOS_HANDLER = "com.hivemq.client.internal.mqtt.handler.publish.incoming.MqttIncomingQosHandler";

    @Override
    protected MqttSettings.Client client() {
        return MqttSettings.Client.HIVEMQ;
    }

    /**
     * Mosquitto 2.0.11 overruns a lagging receiver's Receive Maximum, and the HiveMQ client then drops the
     * connection ({@link #aBrokerThatOverrunsTheReceiveMaximumCostsOneReconnect}); a test about something else
     * announces the largest one so that this does not get in its way.
     */
    @Override
    protected int receiveMaximumForALaggingReceiver(int wanted) {
        return HiveMqTransport.RAISED_RECEIVE_MAXIMUM;
    }

    /**
     * Mosquitto 2.0.11 sends a receiver more unacknowledged messages than the Receive Maximum it announced
     * once it lags behind a fast publisher (its PUBACK handling returns quota twice, it seems). Paho never
     * checks; the HiveMQ client, as MQTT 5 requires, disconnects, and the broker's redelivery would overrun
     * it again at once. The transport therefore reconnects with the largest Receive Maximum after the first
     * overrun: one reconnect, then every message arrives, none is lost.
     */
    @Test
    void aBrokerThatOverrunsTheReceiveMaximumCostsOneReconnect() throws Exception {
        MosquittoBroker broker = broker(MosquittoBroker.builder().maxQueuedMessages(0));
        Transport sub = transport(settings("overrun-sub", broker.uri()).receiveMaximum(20).build());
        Transport pub = transport(settings("overrun-pub", broker.uri()).maxInFlight(16)
                .backpressureTimeout(Duration.ofSeconds(20)).build());
        AtomicInteger losses = new AtomicInteger();
        sub.addConnectionListener(new Transport.ConnectionListener() {
            @Override
            public void connected(boolean reconnect, boolean sessionPresent) {
            }

            @Override
            public void connectionLost(TransportException cause) {
                losses.incrementAndGet();
            }
        });
        BlockingQueue<Incoming> inbox = new LinkedBlockingQueue<>();
        sub.subscribe("splitee/overrun", 1, inbox::add);
        Set<Integer> received = new TreeSet<>();
        int n = 1000;
        // the client logs each message beyond the Receive Maximum as an ERROR, the transport its reconnect as a WARN
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN, LogCapture.Level.ERROR),
                List.of(HIVEMQ_QOS_HANDLER, HiveMqTransport.class.getName()))) {
            sub.start();
            pub.start();
            for (int i = 0; i < n; i++) {
                pub.publish(Outgoing.of("splitee/overrun", intBytes(i), 1));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (received.size() < n && System.nanoTime() < deadline) {
                Incoming m = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (m != null) {
                    received.add(intOf(m));
                    Thread.sleep(0, 200_000); // a receiver slower than the publisher
                    sub.ack(m);
                }
            }
            log.close();
            boolean raised = ((HiveMqTransport) sub).receiveMaximumRaised();
            long overruns = log.count(LogCapture.Level.ERROR, "than allowed by receive maximum (20)");
            long raises = log.count(LogCapture.Level.WARN, "sent more unacknowledged QoS 1/2 messages than the Receive Maximum");
            long lost = log.count(LogCapture.Level.WARN, "overrun-sub: CONNECTION_LOST");
            assertEquals(log.entries().size(), overruns + raises + lost, "nothing else logged: " + log);
            assertEquals(raised, overruns > 0, "the client logged the overrun exactly when the transport saw it: " + log);
            assertEquals(raised ? 1 : 0, raises, "the raise is logged once: " + log);
        }
        assertEquals(n, received.size(), "distinct messages received");
        assertTrue(losses.get() <= 1, losses.get() + " connection losses");
        assertEquals(losses.get() == 1, ((HiveMqTransport) sub).receiveMaximumRaised(),
                "the Receive Maximum is raised exactly when the broker overran it");
    }

    /**
     * Closing a session that ends with its connection: the client ends its flow of incoming messages on
     * another thread; disposing the flow first made RxJava throw that end on the client's thread (seen
     * in GatewayBenchmark) or lose it. close() waits for it.
     */
    @Test
    void closingASessionThatEndsWithItsConnectionWaitsForTheEndOfTheFlow() throws Exception {
        MosquittoBroker broker = broker(MosquittoBroker.builder());
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try {
            for (int i = 0; i < 6; i++) {
                Transport t = Transport.mqtt(settings("closing-" + i, broker.uri()).cleanStart(true)
                        .sessionExpiry(Duration.ZERO).build());
                t.subscribe("splitee/+/result", 1, t::ack);
                t.start();
                t.publish(Outgoing.of("splitee/d1/result", bytes("x"), 1)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                t.close();
                assertTrue(((HiveMqTransport) t).sawIncomingEnd(), "close " + i + " disposed the flow before its end");
            }
            Thread.sleep(300);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        assertEquals(List.of(), uncaught, "exceptions thrown on the client's threads while closing");
    }

    @Override
    protected String clientErrorMarker() {
        return "HiveMQ client";
    }

    /**
     * The HiveMQ client sends acknowledgements in the order the messages arrived, as MQTT 5 requires
     * ([MQTT-4.6.0-2]): the acks of 2, 4, 6 and 8 wait behind unacknowledged 1 and never reach the broker,
     * so everything from 1 on comes back (0 was acknowledged). At least once, as the contract promises.
     */
    @Override
    protected Set<Integer> redeliveredAfterAckingTheEvenOnes() {
        return Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    /** The HiveMQ client ends the session at a CONNACK without session present (MqttSession.startOrResume). */
    @Override
    protected boolean resendsIntoANewSession() {
        return false;
    }
}
