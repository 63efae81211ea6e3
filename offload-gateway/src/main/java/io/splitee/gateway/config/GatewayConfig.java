package io.splitee.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated configuration of one offload gateway instance. Build it with {@link #load}; the
 * records validate themselves (an {@link IllegalArgumentException} whose message starts with the
 * key), so a hand-built configuration (tests, benchmarks) obeys the same rules.
 *
 * @param gatewayId      this instance's name; the MQTT client id is {@code splitee-gateway-<id>}, so a
 *                       restarted instance with the same id resumes its broker session
 * @param mqtt           broker connection and subscription
 * @param models         model package directories served side by side (each identified on the wire by
 *                       its model id and manifest SHA-256); at least one, no duplicates
 * @param intraOpThreads ONNX Runtime intra-op threads of the one global pool all runners share
 * @param workers        inference worker threads; each owns one runner per model
 * @param queueSize      bound on frames waiting for a worker; a frame arriving when it is full is answered
 *                       {@code overloaded} at once
 * @param batch          dynamic micro-batching limits
 * @param maxFrameBytes  longest frame accepted (keep it below the broker's maximum packet size)
 * @param metricsPort    Prometheus text endpoint port; 0 = off
 * @param shutdownGrace  bound on the graceful shutdown (answer everything queued, then disconnect)
 */
public record GatewayConfig(
        String gatewayId,
        Mqtt mqtt,
        List<Path> models,
        int intraOpThreads,
        int workers,
        int queueSize,
        Batch batch,
        int maxFrameBytes,
        int metricsPort,
        Duration shutdownGrace) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Validates; see the record description. */
    public GatewayConfig {
        Objects.requireNonNull(gatewayId, "gateway.id");
        if (!ID.matcher(gatewayId).matches()) {
            throw new IllegalArgumentException("gateway.id: '" + gatewayId
                    + "' must be 1-64 characters of letters, digits, '_' or '-' (it names the MQTT client)");
        }
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(models, "models");
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models: at least one model package directory is required");
        }
        Set<Path> seen = new HashSet<>();
        for (Path p : models) {
            if (!seen.add(p.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("models: '" + p + "' is listed twice");
            }
        }
        requireRange("runtime.intra-op-threads", intraOpThreads, 1, 64);
        requireRange("workers", workers, 1, 64);
        requireRange("queue.size", queueSize, 1, 1_000_000);
        Objects.requireNonNull(batch, "batch");
        requireRange("frame.max-bytes", maxFrameBytes, 1024, 64 * 1024 * 1024);
        requireRange("metrics.port", metricsPort, 0, 65535);
        Objects.requireNonNull(shutdownGrace, "shutdown.grace");
        if (shutdownGrace.isNegative() || shutdownGrace.isZero()) {
            throw new IllegalArgumentException("shutdown.grace: " + shutdownGrace + " must be positive");
        }
    }

    /** The MQTT client id: {@code splitee-gateway-<gateway.id>}. */
    public String clientId() {
        return "splitee-gateway-" + gatewayId;
    }

    /** The subscription every instance of the group makes: {@code $share/<group>/splitee/+/features}. */
    public String subscription() {
        return "$share/" + mqtt.sharedGroup() + "/" + FEATURES_FILTER;
    }

    /**
     * This instance's retained status topic, {@code splitee/gateways/<id>/status}: {@code online} after
     * start, {@code offline} after a graceful stop, and the broker-held last will {@code offline}.
     */
    public String statusTopic() {
        return "splitee/gateways/" + gatewayId + "/status";
    }

    /** The topic filter of the frames devices send (one level per device id). */
    public static final String FEATURES_FILTER = "splitee/+/features";

    /**
     * Broker connection and subscription.
     *
     * @param uri            {@code tcp://host:port} or {@code ssl://host:port}
     * @param username       optional user name
     * @param password       optional password (prefer {@code mqtt.password-file})
     * @param caFile         PEM CA certificate(s) to trust for {@code ssl://}
     * @param certFile       PEM client certificate (mutual TLS)
     * @param keyFile        PEM PKCS#8 client key (mutual TLS)
     * @param sharedGroup    the shared-subscription group; every instance with the same group splits the load
     * @param sessionExpiry  how long the broker keeps this instance's session (and the frames it had not
     *                       acknowledged) after a disconnect; 0 ends the session with the connection
     * @param keepAlive      MQTT keep-alive
     * @param maxInFlight    bound on unacknowledged QoS 1 answers this instance publishes
     * @param receiveMaximum how many unacknowledged frames the broker may hand this instance at once; keep it
     *                       above {@code queue.size} so that overload is answered rather than left at the broker
     * @param reconnectMin   first reconnect delay
     * @param reconnectMax   reconnect back-off ceiling
     */
    public record Mqtt(URI uri, Optional<String> username, Optional<String> password,
                       Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
                       String sharedGroup, Duration sessionExpiry, Duration keepAlive, int maxInFlight,
                       int receiveMaximum, Duration reconnectMin, Duration reconnectMax) {

        private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

        /** Validates; see the record description. */
        public Mqtt {
            Objects.requireNonNull(uri, "mqtt.uri");
            String scheme = uri.getScheme();
            if (!"tcp".equals(scheme) && !"ssl".equals(scheme) || uri.getHost() == null) {
                throw new IllegalArgumentException("mqtt.uri: '" + uri
                        + "' is not a tcp://host:port or ssl://host:port URI");
            }
            Objects.requireNonNull(username, "mqtt.username");
            Objects.requireNonNull(password, "mqtt.password");
            Objects.requireNonNull(caFile, "mqtt.tls.ca");
            Objects.requireNonNull(certFile, "mqtt.tls.cert");
            Objects.requireNonNull(keyFile, "mqtt.tls.key");
            if (certFile.isPresent() != keyFile.isPresent()) {
                throw new IllegalArgumentException("mqtt.tls.cert and mqtt.tls.key: give both or neither");
            }
            if ((caFile.isPresent() || certFile.isPresent()) && !"ssl".equals(scheme)) {
                throw new IllegalArgumentException("mqtt.tls.*: TLS files are set but mqtt.uri '" + uri
                        + "' is not ssl://");
            }
            if (password.isPresent() && username.isEmpty()) {
                throw new IllegalArgumentException("mqtt.password: set without mqtt.username");
            }
            Objects.requireNonNull(sharedGroup, "mqtt.shared-group");
            if (!GROUP.matcher(sharedGroup).matches()) {
                throw new IllegalArgumentException("mqtt.shared-group: '" + sharedGroup
                        + "' must be 1-64 characters of letters, digits, '.', '_' or '-'");
            }
            Objects.requireNonNull(sessionExpiry, "mqtt.session-expiry");
            if (sessionExpiry.isNegative() || sessionExpiry.getSeconds() > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("mqtt.session-expiry: " + sessionExpiry
                        + " must be 0 s..4294967295 s");
            }
            Objects.requireNonNull(keepAlive, "mqtt.keep-alive");
            if (keepAlive.isNegative() || keepAlive.isZero() || keepAlive.getSeconds() > 65_535) {
                throw new IllegalArgumentException("mqtt.keep-alive: " + keepAlive + " must be 1 s..65535 s");
            }
            requireRange("mqtt.max-in-flight", maxInFlight, 1, 65_535);
            requireRange("mqtt.receive-maximum", receiveMaximum, 1, 65_535);
            requirePositive("mqtt.reconnect-min", reconnectMin);
            requirePositive("mqtt.reconnect-max", reconnectMax);
            if (reconnectMax.compareTo(reconnectMin) < 0) {
                throw new IllegalArgumentException("mqtt.reconnect-max: " + reconnectMax
                        + " is below mqtt.reconnect-min " + reconnectMin);
            }
        }

        @Override
        public String toString() {
            return "Mqtt[uri=" + uri + ", username=" + username.orElse("-") + ", password="
                    + (password.isPresent() ? "***" : "-") + ", tls=" + caFile.isPresent() + ", group=" + sharedGroup
                    + ", sessionExpiry=" + sessionExpiry + "]";
        }
    }

    /**
     * Dynamic micro-batching: frames that need the same model, manifest and first block are run as
     * one ONNX Runtime call.
     *
     * @param maxSize most frames in one batch (1 turns batching off)
     * @param maxWait longest the oldest waiting frame is held back to let a batch fill (0: take what is
     *                queued at once; batches then only form while every worker is busy)
     */
    public record Batch(int maxSize, Duration maxWait) {
        /** Validates; see the record description. */
        public Batch {
            requireRange("batch.max-size", maxSize, 1, 1024);
            Objects.requireNonNull(maxWait, "batch.max-wait");
            if (maxWait.isNegative() || maxWait.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("batch.max-wait: " + maxWait + " must be 0..10s");
            }
        }
    }

    /**
     * Resolves a configuration: defaults, then the file (if any), then environment variables
     * ({@code SPLITEE_GW_} + the key upper-cased with {@code .} and {@code -} as {@code _}), then
     * command-line overrides.
     *
     * @param file      properties file, or {@code null} for none
     * @param env       the environment (normally {@link System#getenv()})
     * @param overrides {@code key=value} pairs from the command line
     * @return the validated configuration
     * @throws ConfigException naming the key (and its source) when anything is wrong
     */
    public static GatewayConfig load(Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        return ConfigLoader.load(file, env, overrides);
    }

    /** Every configuration key the gateway knows, in documented order. */
    public static List<String> keys() {
        return List.copyOf(ConfigLoader.KEYS.keySet());
    }

    private static void requireRange(String key, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + ": " + v + " is outside [" + min + ", " + max + "]");
        }
    }

    private static void requirePositive(String key, Duration d) {
        Objects.requireNonNull(d, key);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + ": " + d + " must be positive");
        }
    }
}
