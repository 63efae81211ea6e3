package io.splitee.mqtt;

import io.splitee.testenv.Tool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Mosquitto broker (Debian's mosquitto, found on {@code PATH} by {@link Tool#MOSQUITTO}) on a
 * free loopback port, for integration tests in any module (split-core's test-jar exports it).
 *
 * <p>It runs with a generated configuration in a temporary directory: one listener on
 * {@code 127.0.0.1}, anonymous access, and persistence on, so that {@link #stop()} followed by
 * {@link #restart()} keeps sessions, subscriptions and queued QoS 1 messages ({@link #kill()} loses
 * whatever was not yet saved: {@link #save()} saves now; by default it autosaves only every 30 minutes). Its log goes to {@link #logFile()}; {@link #log()} reads it for
 * assertion messages.
 *
 * <pre>{@code
 * try (MosquittoBroker broker = MosquittoBroker.builder().maxPacketSize(10_000).start()) {
 *     MqttSettings s = MqttSettings.builder("dev-1", broker.uri()).build();
 *     ...
 * }
 * }</pre>
 */
public final class MosquittoBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final Path config;
    private final Path logFile;
    private final int port;
    private Process process;

    private MosquittoBroker(Path dir, Path config, Path logFile, int port) {
        this.dir = dir;
        this.config = config;
        this.logFile = logFile;
        this.port = port;
    }

    /** Starts a broker with the default configuration. */
    public static MosquittoBroker start() throws IOException {
        return builder().start();
    }

    /** Configures a broker before starting it. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the broker binary is installed (for assumptions in optional tests). */
    public static boolean isInstalled() {
        return Tool.MOSQUITTO.find().isPresent();
    }

    /** {@code tcp://127.0.0.1:<port>}. */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The loopback port the listener is bound to; the same across {@link #restart()}. */
    public int port() {
        return port;
    }

    /** The broker's log (all starts appended). */
    public Path logFile() {
        return logFile;
    }

    /** The temporary directory holding configuration, persistence and log. */
    public Path directory() {
        return dir;
    }

    /** The broker's log so far, for assertion messages. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Whether the broker process is alive. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker with SIGTERM; it saves its persistence database first. Idempotent. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        try {
            signal("CONT");
        } catch (IOException | RuntimeException ignored) {
            // not paused, or already gone
        }
        process.destroy();
        waitFor(process, STOP_TIMEOUT, true);
        process = null;
    }

    /** Kills the broker with SIGKILL (nothing is saved). Idempotent. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(process, STOP_TIMEOUT, false);
        process = null;
    }

    /**
     * Freezes the broker with SIGSTOP: connections stay open but nothing is answered, as with a
     * hung broker or a stalled link. Undo with {@link #resume()}.
     */
    public synchronized void pause() throws IOException {
        signal("STOP");
    }

    /** Continues a broker frozen by {@link #pause()} (SIGCONT). */
    public synchronized void resume() throws IOException {
        signal("CONT");
    }

    private void signal(String name) throws IOException {
        if (process == null) {
            throw new IllegalStateException("broker is not running");
        }
        try {
            Process kill = new ProcessBuilder(Tool.KILL.path().toString(), "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling mosquitto", e);
        }
    }

    /**
     * Makes the broker write its persistence database now (SIGUSR1, as an autosave does) and waits, at most
     * {@link #STOP_TIMEOUT}, until the new file is in place: a {@link #kill()} right after this loses nothing
     * the broker held at the call.
     *
     * @throws IOException if the database was not rewritten in time
     */
    public synchronized void save() throws IOException {
        Path db = dir.resolve("data").resolve("mosquitto.db");
        Object before = fileVersion(db);
        signal("USR1");
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Object now = fileVersion(db);
            if (now != null && !now.equals(before)) {
                return;
            }
            sleep(20);
        }
        throw new IOException("mosquitto did not rewrite " + db + " within " + STOP_TIMEOUT + " of SIGUSR1; its log:\n"
                + log());
    }

    /** The file's identity and modification time (mosquitto writes a new file and renames it), or null. */
    private static Object fileVersion(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Starts the broker again on the same port with the same configuration and persistence: stopped first
     * with SIGTERM (it saves everything) if it runs, or after a {@link #kill()} (it restores what it saved
     * last).
     */
    public synchronized void restart() throws IOException {
        stop();
        launch();
    }

    /** Stops the broker and deletes its directory. */
    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: it is a temp directory
        }
    }

    private void launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Tool.MOSQUITTO.path().toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                int code = process.exitValue();
                process = null;
                throw new IOException("mosquitto exited with code " + code + " while starting on port " + port
                        + "; its log:\n" + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        process.destroyForcibly();
        process = null;
        throw new IOException("mosquitto did not accept connections on port " + port + " within " + START_TIMEOUT
                + "; its log:\n" + log());
    }

    private static void waitFor(Process p, Duration timeout, boolean escalate) {
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) && escalate) {
                p.destroyForcibly();
                p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A free loopback port (closed again, so a small race with other processes remains). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Broker configuration; every setting is optional. */
    public static final class Builder {
        private Integer maxPacketSize;
        private Integer maxInflightMessages;
        private Integer maxQueuedMessages;
        private int autosaveInterval = 1800;
        private boolean autosaveOnChanges;
        private final List<String> listenerOptions = new ArrayList<>();
        private final List<String> globalOptions = new ArrayList<>();

        private Builder() {
        }

        /** {@code max_packet_size}: the broker refuses larger packets and announces it in CONNACK. */
        public Builder maxPacketSize(int bytes) {
            this.maxPacketSize = bytes;
            return this;
        }

        /** {@code max_inflight_messages}: the Receive Maximum the broker announces (mosquitto default 20). */
        public Builder maxInflightMessages(int n) {
            this.maxInflightMessages = n;
            return this;
        }

        /** {@code max_queued_messages} per client (mosquitto default 1000; 0 = unlimited). */
        public Builder maxQueuedMessages(int n) {
            this.maxQueuedMessages = n;
            return this;
        }

        /**
         * {@code autosave_interval}: seconds between saves of the persistence database (default here 1800, so a
         * test decides when the broker saves: {@link MosquittoBroker#save()}, or a graceful stop).
         */
        public Builder autosaveInterval(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("autosave_interval must be >= 0, got " + seconds);
            }
            this.autosaveInterval = seconds;
            return this;
        }

        /**
         * {@code autosave_on_changes true}: the interval counts changes (messages received, subscriptions,
         * ...) instead of seconds; with {@code autosaveInterval(1)} the broker saves after every change.
         */
        public Builder autosaveOnChanges() {
            this.autosaveOnChanges = true;
            return this;
        }

        /** A line placed right after the listener line (e.g. {@code certfile /path}). */
        public Builder listenerOption(String line) {
            this.listenerOptions.add(line);
            return this;
        }

        /** Any other global configuration line. */
        public Builder option(String line) {
            this.globalOptions.add(line);
            return this;
        }

        /**
         * Writes the configuration and starts the broker; returns once it accepts connections.
         *
         * @throws IOException if mosquitto does not start, or does not listen in time
     * @throws IllegalStateException if mosquitto is not installed (the message names the package)
         */
        public MosquittoBroker start() throws IOException {
            Tool.MOSQUITTO.path(); // one line naming the package when it is missing
            Path dir = Files.createTempDirectory("splitee-mosquitto-");
            Path data = Files.createDirectories(dir.resolve("data"));
            int port = freePort();
            List<String> lines = new ArrayList<>();
            lines.add("# generated by io.splitee.mqtt.MosquittoBroker");
            lines.add("user " + System.getProperty("user.name"));
            lines.add("per_listener_settings false");
            lines.add("allow_anonymous true");
            // Nagle's algorithm off for the broker's sockets too (docs/deploy: recommended for inference round trips)
            lines.add("set_tcp_nodelay true");
            lines.add("persistence true");
            lines.add("persistence_location " + data + "/");
            lines.add("autosave_interval " + autosaveInterval);
            if (autosaveOnChanges) {
                lines.add("autosave_on_changes true");
            }
            lines.add("log_dest stdout");
            lines.add("log_type error");
            lines.add("log_type warning");
            lines.add("log_type notice");
            lines.add("log_type information");
            lines.add("log_timestamp_format %Y-%m-%dT%H:%M:%S");
            lines.add("connection_messages true");
            if (maxPacketSize != null) {
                lines.add("max_packet_size " + maxPacketSize);
            }
            if (maxInflightMessages != null) {
                lines.add("max_inflight_messages " + maxInflightMessages);
            }
            if (maxQueuedMessages != null) {
                lines.add("max_queued_messages " + maxQueuedMessages);
            }
            lines.addAll(globalOptions);
            lines.add("listener " + port + " 127.0.0.1");
            lines.addAll(listenerOptions);
            Path config = dir.resolve("mosquitto.conf");
            Files.write(config, lines, StandardCharsets.UTF_8);
            MosquittoBroker broker = new MosquittoBroker(dir, config, dir.resolve("mosquitto.log"), port);
            try {
                broker.launch();
            } catch (IOException e) {
                broker.close();
                throw e;
            }
            return broker;
        }
    }
}
