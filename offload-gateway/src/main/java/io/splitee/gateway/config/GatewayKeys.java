package io.splitee.gateway.config;

import io.splitee.config.ConfigKey;
import io.splitee.config.MqttConnection;
import io.splitee.config.ProgramBuilder;
import io.splitee.mqtt.MqttSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Every key of the gateway, each defined once: name, type, default, allowed values, one doc line. */
final class GatewayKeys {
    private GatewayKeys() {
    }

    static final ConfigKey<String> GATEWAY_ID = ConfigKey.name("gateway.id", null, "a gateway id",
            "instance name; MQTT client id `splitee-gateway-<id>`; a restart with the same id resumes the session");
    static final ConfigKey<String> SHARED_GROUP = ConfigKey.name("mqtt.shared-group", "gateways", "a group",
            "subscribes to `$share/<group>/splitee/+/features`; every instance of the group splits the load");
    // The largest: Mosquitto 2.0.11 overruns smaller ones, and the HiveMQ client then (as MQTT 5 requires)
    // drops the connection; the gateway's own bound on frames is queue.size, beyond it "overloaded".
    static final ConfigKey<Integer> RECEIVE_MAXIMUM = ConfigKey.integer("mqtt.receive-maximum", 65_535, 1, 65_535,
            "MQTT 5 Receive Maximum sent to the broker; keep the largest with `hivemq` (see \"MQTT client\" and \"Observed\" below)");
    static final ConfigKey<List<Path>> MODELS = ConfigKey.paths("models", "model package directories",
            "comma-separated model package directories, served side by side");
    static final ConfigKey<Integer> INTRA_OP_THREADS = ConfigKey.integer("runtime.intra-op-threads", 1, 1, 64,
            "ONNX Runtime's one shared intra-op pool");
    static final ConfigKey<Integer> WORKERS = ConfigKey.integer("workers", 2, 1, 64,
            "inference threads; each holds one runner per model");
    static final ConfigKey<Integer> QUEUE_SIZE = ConfigKey.integer("queue.size", 256, 1, 1_000_000,
            "frames waiting for a worker; beyond it frames are answered `overloaded`");
    static final ConfigKey<Integer> BATCH_MAX_SIZE = ConfigKey.integer("batch.max-size", 16, 1, 1024,
            "most frames in one micro-batch (1 turns batching off)");
    static final ConfigKey<Duration> BATCH_MAX_WAIT = ConfigKey.duration("batch.max-wait", Duration.ofMillis(2),
                    "longest the oldest frame is held back for a batch to fill (0: never wait)")
            .allowing(d -> d.compareTo(Duration.ofSeconds(10)) <= 0, "must be 0..10s");
    static final ConfigKey<Integer> FRAME_MAX_BYTES = ConfigKey.integer("frame.max-bytes", 262_144, 1024,
            64 * 1024 * 1024, "longest frame accepted");
    static final ConfigKey<Path> REPLY_KEY_FILE = ConfigKey.path("offload.reply-key-file", null,
            "the fleet's reply key (at least 32 bytes of text, readable by the service user only); set: every reply "
                    + "carries its HMAC-SHA256 tag (docs/security.md)").asOptional();
    static final ConfigKey<Integer> METRICS_PORT = ProgramBuilder.METRICS_PORT;
    static final ConfigKey<String> METRICS_BIND = ProgramBuilder.METRICS_BIND;
    static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.duration("shutdown.grace", Duration.ofSeconds(10),
            "bound on the graceful stop").allowing(d -> !d.isZero(), "must be positive");

    /**
     * The gateway's defaults of the shared broker keys: a session of 5 min, 64 answers in flight, and the
     * HiveMQ client, which copies payloads in bulk where Paho reads them byte by byte (docs/gateway.md, "MQTT client").
     */
    /**
     * The gateway's default {@code mqtt.session-expiry}, 5 s. A broker keeps routing a share of the frames to the
     * session of a gateway that died until the session expires (Mosquitto 2.0.11 does), and those frames wait
     * in vain while the devices finish them at their offload deadline (500 ms by default): a short session
     * bounds that to seconds (FailoverIT). A gateway back within it still gets its session's frames; one back
     * later starts a new session and subscribes again.
     */
    static final Duration SESSION_EXPIRY = Duration.ofSeconds(5);
    static final List<ConfigKey<?>> MQTT = MqttConnection.keys(SESSION_EXPIRY, 64, MqttSettings.Client.HIVEMQ);

    /** Every key, in documented order. */
    static final List<ConfigKey<?>> ALL = ConfigKey.listOf(List.of(GATEWAY_ID), MQTT, List.of(SHARED_GROUP,
            RECEIVE_MAXIMUM, MODELS, INTRA_OP_THREADS, WORKERS, QUEUE_SIZE, BATCH_MAX_SIZE, BATCH_MAX_WAIT,
            FRAME_MAX_BYTES, REPLY_KEY_FILE, METRICS_PORT, METRICS_BIND, SHUTDOWN_GRACE));
}
