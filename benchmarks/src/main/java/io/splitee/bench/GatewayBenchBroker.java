package io.splitee.bench;

import io.splitee.testenv.Tool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Mosquitto on a free loopback port for {@link GatewayBenchmark} and {@link CoapBenchmark}:
 * anonymous, no persistence, warnings only in its log. The program is found as the tests find it
 * ({@link Tool#MOSQUITTO}: {@code -Dsplitee.tool.mosquitto}, else {@code PATH}, then {@code /usr/sbin},
 * {@code /sbin}). (The same start logic as split-core's test harness {@code MosquittoBroker}, with the
 * queue and in-flight limits these harnesses need.)
 */
final class GatewayBenchBroker implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final int port;

    private GatewayBenchBroker(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * @param maxInflight mosquitto's {@code max_inflight_messages}: the Receive Maximum it announces, so the
     *                    most QoS 1 publishes (answers) a client may have unacknowledged at once (default 20)
     */
    static GatewayBenchBroker start(int maxInflight) throws IOException, InterruptedException {
        Path exe = Tool.MOSQUITTO.find().orElseThrow(() -> new IOException(Tool.MOSQUITTO.missingMessage()));
        Path dir = Files.createTempDirectory("splitee-bench-mosquitto-");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.write(conf, List.of("user " + System.getProperty("user.name"), "allow_anonymous true",
                "persistence false", "log_dest stdout", "log_type error", "log_type warning",
                "max_queued_messages 100000", "max_inflight_messages " + maxInflight, "listener " + port + " 127.0.0.1"), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(exe.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IOException("mosquitto exited with " + p.exitValue() + ": "
                        + Files.readString(dir.resolve("mosquitto.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return new GatewayBenchBroker(dir, p, port);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("mosquitto did not listen on port " + port + " within 10 s");
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The broker process's CPU time so far, if the OS reports it. */
    java.time.Duration cpu() {
        return process.info().totalCpuDuration().orElse(java.time.Duration.ZERO);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory: best effort
        }
    }
}
