package io.splitee.gateway.config;

import io.splitee.config.ConfigException;
import io.splitee.config.ConfigKey;
import io.splitee.config.MqttConnection;
import io.splitee.config.ProgramBuilder;
import io.splitee.mqtt.MqttSettings;
import io.splitee.wire.Ids;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The validated configuration of one offload gateway instance. Read it with {@link #load}, or build it
 * in code with {@link #builder}; the records validate themselves against the keys' definitions (an
 * {@link IllegalArgumentException} whose message starts with the key), so a built configuration (tests,
 * benchmarks, the demo) obeys the same rules.
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
 * @param metricsBind    {@code metrics.bind}: the address the metrics endpoint listens on (loopback by default)
 * @param replyKeyFile   {@code offload.reply-key-file}: the fleet's reply key; set, every reply carries its
 *                       HMAC-SHA256 tag ({@link io.splitee.replyauth.ReplyKey})
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
        Duration shutdownGrace,
        String metricsBind,
        Optional<Path> replyKeyFile) {

    /** Validates; see the record description. */
    public GatewayConfig {
        Objects.requireNonNull(gatewayId, "gateway.id");
        Ids.requireName("gateway.id", gatewayId);
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(sharedGroup, "mqtt.shared-group");
        Ids.requireName("mqtt.shared-group", sharedGroup);
        GatewayKeys.RECEIVE_MAXIMUM.check(receiveMaximum);
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
        GatewayKeys.INTRA_OP_THREADS.check(intraOpThreads);
        GatewayKeys.WORKERS.check(workers);
        GatewayKeys.QUEUE_SIZE.check(queueSize);
        Objects.requireNonNull(batch, "batch");
        GatewayKeys.FRAME_MAX_BYTES.check(maxFrameBytes);
        GatewayKeys.METRICS_PORT.check(metricsPort);
        GatewayKeys.SHUTDOWN_GRACE.check(shutdownGrace);
        GatewayKeys.METRICS_BIND.check(metricsBind);
        Objects.requireNonNull(replyKeyFile, "offload.reply-key-file");
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
            GatewayKeys.BATCH_MAX_SIZE.check(maxSize);
            GatewayKeys.BATCH_MAX_WAIT.check(maxWait);
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

    /**
     * Every configuration key the gateway knows, each defined once, in documented order (the example file
     * and the key table in docs/gateway.md are checked against them).
     */
    public static List<ConfigKey<?>> keys() {
        return GatewayKeys.ALL;
    }

    /** A builder with every other value at its key's default, and the gateway's broker defaults ({@link #mqttDefaults}). */
    public static Builder builder(String gatewayId, List<Path> models) {
        return new Builder(gatewayId, models);
    }

    /**
     * A broker connection builder with the gateway's defaults: session 5 s (see {@link GatewayKeys#SESSION_EXPIRY}),
     * 64 in flight, the HiveMQ client.
     */
    public static MqttConnection.Builder mqttDefaults() {
        return MqttConnection.builder().sessionExpiry(GatewayKeys.SESSION_EXPIRY).maxInFlight(64)
                .client(MqttSettings.Client.HIVEMQ);
    }

    /**
     * Builds a {@link GatewayConfig} without strings; {@link #build} validates. The keys the device has too
     * ({@code mqtt.*}, {@code runtime.intra-op-threads}, {@code queue.size}, {@code metrics.port},
     * {@code shutdown.grace}) are set by {@link ProgramBuilder}'s setters, with the gateway's defaults
     * ({@link #mqttDefaults} for the broker).
     */
    public static final class Builder extends ProgramBuilder<Builder> {
        private final String gatewayId;
        private final List<Path> models;
        private String sharedGroup = GatewayKeys.SHARED_GROUP.defaultValue().orElseThrow();
        private int receiveMaximum = GatewayKeys.RECEIVE_MAXIMUM.defaultValue().orElseThrow();
        private int workers = GatewayKeys.WORKERS.defaultValue().orElseThrow();
        private Batch batch = new Batch(GatewayKeys.BATCH_MAX_SIZE.defaultValue().orElseThrow(),
                GatewayKeys.BATCH_MAX_WAIT.defaultValue().orElseThrow());
        private int maxFrameBytes = GatewayKeys.FRAME_MAX_BYTES.defaultValue().orElseThrow();
        private Path replyKeyFile;

        private Builder(String gatewayId, List<Path> models) {
            super(mqttDefaults().build(), GatewayKeys.INTRA_OP_THREADS, GatewayKeys.QUEUE_SIZE,
                    GatewayKeys.SHUTDOWN_GRACE);
            this.gatewayId = gatewayId;
            this.models = models;
        }

        /** {@code mqtt.shared-group}. */
        public Builder sharedGroup(String value) {
            this.sharedGroup = value;
            return this;
        }

        /** {@code mqtt.receive-maximum}. */
        public Builder receiveMaximum(int value) {
            this.receiveMaximum = value;
            return this;
        }

        /** {@code workers}. */
        public Builder workers(int value) {
            this.workers = value;
            return this;
        }

        /** {@code batch.max-size} and {@code batch.max-wait}. */
        public Builder batch(Batch value) {
            this.batch = value;
            return this;
        }

        /** {@code offload.reply-key-file} (null: none). */
        public Builder replyKeyFile(Path value) {
            this.replyKeyFile = value;
            return this;
        }

        /** {@code frame.max-bytes}. */
        public Builder maxFrameBytes(int value) {
            this.maxFrameBytes = value;
            return this;
        }

        /**
         * The validated configuration.
         *
         * @throws IllegalArgumentException naming the key
         */
        public GatewayConfig build() {
            return new GatewayConfig(gatewayId, mqtt, sharedGroup, receiveMaximum, models, intraOpThreads, workers,
                    queueSize, batch, maxFrameBytes, metricsPort, shutdownGrace, metricsBind,
                    Optional.ofNullable(replyKeyFile));
        }
    }
}
