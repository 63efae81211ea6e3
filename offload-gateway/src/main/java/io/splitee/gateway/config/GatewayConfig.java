package io.splitee.gateway.config;

import static io.splitee.config.ConfigSource.requirePositive;
import static io.splitee.config.ConfigSource.requireRange;

import io.splitee.config.ConfigException;
import io.splitee.config.MqttConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated configuration of one offload gateway instance. Build it with {@link #load}; the
 * records validate themselves (an {@link IllegalArgumentException} whose message starts with the
 * key), so a hand-built configuration (tests, benchmarks) obeys the same rules.
 *
 * @param gatewayId      this instance's name; the MQTT client id is {@code splitee-gateway-<id>}, so a
 *                       restarted instance with the same id resumes its broker session
 * @param mqtt           broker connection ({@code mqtt.*}, shared with the device)
 * @param sharedGroup    {@code mqtt.shared-group}: the shared-subscription group; every instance with the same
 *                       group splits the load
 * @param receiveMaximum {@code mqtt.receive-maximum}: how many unacknowledged frames the broker may hand this
 *                       instance at once; keep it above {@code queue.size} so that overload is answered rather
 *                       than left at the broker
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
        MqttConnection mqtt,
        String sharedGroup,
        int receiveMaximum,
        List<Path> models,
        int intraOpThreads,
        int workers,
        int queueSize,
        Batch batch,
        int maxFrameBytes,
        int metricsPort,
        Duration shutdownGrace) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** Validates; see the record description. */
    public GatewayConfig {
        Objects.requireNonNull(gatewayId, "gateway.id");
        if (!ID.matcher(gatewayId).matches()) {
            throw new IllegalArgumentException("gateway.id: '" + gatewayId
                    + "' must be 1-64 characters of letters, digits, '_' or '-' (it names the MQTT client)");
        }
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(sharedGroup, "mqtt.shared-group");
        if (!GROUP.matcher(sharedGroup).matches()) {
            throw new IllegalArgumentException("mqtt.shared-group: '" + sharedGroup
                    + "' must be 1-64 characters of letters, digits, '.', '_' or '-'");
        }
        requireRange("mqtt.receive-maximum", receiveMaximum, 1, 65_535);
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
        requirePositive("shutdown.grace", shutdownGrace);
    }

    /** The MQTT client id: {@code splitee-gateway-<gateway.id>}. */
    public String clientId() {
        return "splitee-gateway-" + gatewayId;
    }

    /** The subscription every instance of the group makes: {@code $share/<group>/splitee/+/features}. */
    public String subscription() {
        return "$share/" + sharedGroup + "/" + FEATURES_FILTER;
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

    /** Every configuration key the gateway knows. */
    public static List<String> keys() {
        return ConfigLoader.DEFAULTS.keys();
    }
}
