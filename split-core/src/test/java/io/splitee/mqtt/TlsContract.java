package io.splitee.mqtt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS against Mosquitto with a certificate-requiring listener, PEM files read by the JDK; run once per
 * {@link MqttSettings.Client} by a subclass in its adapter's module ({@code PahoTlsIT}, {@code HiveMqTlsIT}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TlsContract {
    @TempDir
    Path dir;

    private final MqttSettings.Client client;

    /** @param client the client under test */
    protected TlsContract(MqttSettings.Client client) {
        this.client = client;
    }

    private MosquittoBroker tlsBroker(TlsTestFiles f) throws Exception {
        return MosquittoBroker.builder()
                .listenerOption("cafile " + f.ca)
                .listenerOption("certfile " + f.serverCert)
                .listenerOption("keyfile " + f.serverKey)
                .listenerOption("require_certificate true")
                .start();
    }

    private MqttSettings.Builder settings(String id, MosquittoBroker broker) {
        return MqttSettings.builder(id, "ssl://127.0.0.1:" + broker.port())
                .client(client)
                .connectTimeout(Duration.ofSeconds(5))
                .operationTimeout(Duration.ofSeconds(5));
    }

    @Test
    void mutualTlsRoundTrip() throws Exception {
        TlsTestFiles f = TlsTestFiles.writeTo(dir);
        try (MosquittoBroker broker = tlsBroker(f);
             Transport t = Transport.mqtt(settings("tls-1", broker)
                     .tls(MqttSettings.Tls.mutual(f.ca, f.clientCert, f.clientKey)).build())) {
            BlockingQueue<Incoming> inbox = new LinkedBlockingQueue<>();
            t.subscribe("splitee/tls", 1, inbox::add);
            t.start();
            t.publish(Outgoing.of("splitee/tls", "secret".getBytes(UTF_8), 1)).get(10, TimeUnit.SECONDS);
            Incoming in = inbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(in, "no message over TLS; broker log:\n" + broker.log());
            assertArrayEquals("secret".getBytes(UTF_8), in.payload());
            t.ack(in);
        }
    }

    @Test
    void withoutAClientCertificateTheBrokerRefuses() throws Exception {
        TlsTestFiles f = TlsTestFiles.writeTo(dir);
        try (MosquittoBroker broker = tlsBroker(f);
             Transport t = Transport.mqtt(settings("tls-2", broker)
                     .tls(MqttSettings.Tls.serverOnly(f.ca)).build())) {
            TransportException e = assertThrows(TransportException.class, t::start);
            assertEquals(TransportException.Reason.CONNECT_FAILED, e.reason());
            assertTrue(e.getMessage().contains("ssl://127.0.0.1:" + broker.port()), e.getMessage());
        }
    }

    @Test
    void aBrokerCertificateTheCaFileDoesNotSignIsRefused() throws Exception {
        TlsTestFiles f = TlsTestFiles.writeTo(dir);
        // the client certificate as the only trusted "CA": it did not sign the broker's certificate
        try (MosquittoBroker broker = tlsBroker(f);
             Transport t = Transport.mqtt(settings("tls-3", broker)
                     .tls(MqttSettings.Tls.mutual(f.clientCert, f.clientCert, f.clientKey)).build())) {
            TransportException e = assertThrows(TransportException.class, t::start);
            assertEquals(TransportException.Reason.CONNECT_FAILED, e.reason());
            assertFalse(t.isConnected());
        }
    }
}
