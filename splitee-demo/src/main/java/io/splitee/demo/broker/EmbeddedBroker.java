package io.splitee.demo.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An MQTT 5 broker in this process (HiveMQ CE embedded), listening on a free loopback port. Its
 * configuration and data live under a folder the caller owns (normally a temporary one); nothing is
 * kept across runs. {@link #close()} stops it and is idempotent.
 *
 * <p><b>Delivery order (HiveMQ CE 2025.5):</b> a client gets the next batch of queued messages only
 * once it has acknowledged every QoS 1 message in flight to it; until then nothing more reaches it, QoS
 * 0 messages included. A device that acknowledges a sample only when it is answered therefore holds
 * back the gateway's reply to that very sample until the offload's deadline. The demo sends its
 * samples with QoS 0 for this reason (see {@code docs/demo.md}).
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final EmbeddedHiveMQ hivemq;
    private final int port;
    private boolean closed;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, int port) {
        this.hivemq = hivemq;
        this.port = port;
    }

    /**
     * Starts a broker on a free loopback port.
     *
     * @param home an empty or new folder for the broker's configuration, data and extensions
     * @throws IOException when the folder cannot be written or the broker does not start
     */
    public static EmbeddedBroker start(Path home) throws IOException {
        Objects.requireNonNull(home, "home");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port can be taken before the broker binds it
            int port = freePort();
            Path dir = home.resolve("attempt-" + attempt);
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Path data = Files.createDirectories(dir.resolve("data"));
            Path extensions = Files.createDirectories(dir.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), config(port), StandardCharsets.UTF_8);
            EmbeddedHiveMQ h = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(data)
                    .withExtensionsFolder(extensions)
                    .withoutLoggingBootstrap()
                    .build();
            try {
                h.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return new EmbeddedBroker(h, port);
            } catch (ExecutionException | TimeoutException e) {
                last = new IOException("the embedded MQTT broker did not start on port " + port + ": "
                        + (e.getCause() == null ? e : e.getCause()), e);
                closeQuietly(h);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly(h);
                throw new IOException("interrupted while the embedded MQTT broker started", e);
            }
        }
        throw last;
    }

    /**
     * HiveMQ's configuration: one TCP listener on loopback, nothing on disk, no usage statistics, and a
     * client queue long enough for a whole demo run sent to a device behind a slow link.
     */
    static String config(int port) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>1000000</max-queue-size>
                        </queued-messages>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, InetAddress.getLoopbackAddress().getHostAddress());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    private static void closeQuietly(EmbeddedHiveMQ h) {
        try {
            h.stop().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            h.close();
        } catch (Exception e) {
            // it did not start; nothing more to release
        }
    }

    /** The broker's URI, {@code tcp://127.0.0.1:<port>}. */
    public String uri() {
        return "tcp://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
    }

    /** The loopback address and port the broker listens on. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Stops the broker (every client is disconnected). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(hivemq);
    }
}
