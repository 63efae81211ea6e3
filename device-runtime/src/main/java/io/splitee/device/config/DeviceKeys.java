package io.splitee.device.config;

import io.splitee.config.ConfigKey;
import io.splitee.config.MqttConnection;
import io.splitee.config.ProgramBuilder;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.engine.Policies;
import io.splitee.engine.PolicySpec;
import io.splitee.mqtt.MqttSettings;
import io.splitee.wire.Encoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Every key of the device daemon, each defined once: name, type, default, allowed values, one doc line. */
final class DeviceKeys {
    private DeviceKeys() {
    }

    static final ConfigKey<String> DEVICE_ID = ConfigKey.name("device.id", null, "a device id",
            "this device's name, a topic level (`splitee/<id>/samples`, ...): 1..64 characters of `[A-Za-z0-9._-]`");
    static final ConfigKey<Path> MODEL_DIR = ConfigKey.path("model.dir", null,
            "the model package directory (manifest.json, block_NN.onnx, exit_NN.onnx)");
    static final ConfigKey<Integer> INTRA_OP_THREADS = ConfigKey.integer("runtime.intra-op-threads", 2, 1, 64,
            "ONNX Runtime intra-op threads, one pool shared by every session");
    static final ConfigKey<String> POLICY = ConfigKey.parsed("policy", "splitee-s", Policies::checkSpec, s -> s,
            "the engine's policy: " + String.join(", ", Policies.SPECS) + " (K: an arm, 1..L); the UCB policies take "
                    + "parameters, e.g. `splitee-s:side=learned`, `splitee-s-paper:init=authors` (docs/engine.md)");
    static final ConfigKey<Double> THRESHOLD = ConfigKey.number("policy.threshold", 0.8, v -> v > 0 && v <= 1,
            "is outside (0, 1]", "confidence threshold α in (0, 1]: a sample exits on the device when its exit's confidence reaches it");
    static final ConfigKey<Double> UCB_C = ConfigKey.nonNegative("policy.ucb-c", DeviceConfig.PolicyConfig.MEASURED_UCB_C,
            "UCB exploration constant c ≥ 0 (splitee, splitee-s); unset: 0.5 with `cost.mode=measured`, "
                    + "1 (the paper's) with `cost.mode=paper`");
    static final ConfigKey<Double> DISCOUNT = ConfigKey.number("policy.discount", null, v -> v > 0 && v <= 1,
            "is outside (0, 1]", "discounted UCB for drifting costs: every arm's statistics times γ per sample "
                    + "(splitee, splitee-s, splitee-s-paper; the policy parameter `:discount=γ`); unset: no discount")
            .asOptional();
    static final ConfigKey<Integer> WINDOW = ConfigKey.integer("policy.window", null, 1, PolicySpec.MAX_WINDOW,
            "sliding-window UCB for drifting costs: each arm's statistics over its last τ updates (splitee, "
                    + "splitee-s, splitee-s-paper; `:window=τ`); unset: no window").asOptional();
    static final ConfigKey<Long> SEED = ConfigKey.longInteger("policy.seed", 1L,
            "seed of the random policy's random source (only `policy=random` reads it)");
    static final ConfigKey<Boolean> RAW_SAMPLE_ARM = ConfigKey.bool("policy.raw-sample-arm", false,
            "offer arm 0: send the raw sample and compute nothing on the device (measured mode; splitee, splitee-s, random)");
    static final ConfigKey<DeviceConfig.Cost.Mode> COST_MODE = ConfigKey.enumOf("cost.mode", DeviceConfig.Cost.Mode.class,
            DeviceConfig.Cost.Mode.MEASURED, "`paper`: the paper's λ per block and o per offload; `measured`: this "
                    + "device's measured milliseconds of compute and link times the weights");
    static final ConfigKey<Double> LAMBDA = ConfigKey.nonNegative("cost.lambda", 0.01,
            "paper mode: cost λ per block computed on the device");
    static final ConfigKey<Double> OFFLOAD_COST = ConfigKey.nonNegative("cost.offload", 0.3,
            "paper mode: cost o of one offload");
    static final ConfigKey<Double> WEIGHT_DEVICE_MS = ConfigKey.nonNegative("cost.weight.device-ms", 0.1,
            "measured mode: reward units per millisecond of device compute");
    static final ConfigKey<Double> WEIGHT_LINK_MS = ConfigKey.nonNegative("cost.weight.link-ms", 0.1,
            "measured mode: reward units per millisecond of link (round trip, transfer, gateway compute)");
    static final ConfigKey<Double> WEIGHT_MILLIJOULE = ConfigKey.number("cost.weight.millijoule", 0.0, v -> v == 0,
            "must be 0: nothing measures energy yet (it needs a power sensor)",
            "reserved: reward units per millijoule, needs a power sensor; only 0 is accepted until one is read");
    static final ConfigKey<Encoding> ENCODING = ConfigKey.parsed("offload.encoding", Encoding.FP16, Encoding::parse,
            Encoding::jsonName, "feature encoding on the wire: " + Encoding.names());
    static final ConfigKey<Boolean> DEFLATE = ConfigKey.bool("offload.deflate", false,
            "lossless deflate on top of the encoding");
    static final ConfigKey<Duration> DEADLINE = ConfigKey.duration("offload.deadline", Duration.ofMillis(500),
            "how long to wait for the gateway before finishing the sample on the device")
            .allowing(d -> !d.isZero(), "must be positive");
    static final ConfigKey<DeviceConfig.Offload.Fallback> FALLBACK = ConfigKey.enumOf("offload.fallback",
            DeviceConfig.Offload.Fallback.class, DeviceConfig.Offload.Fallback.COMPLETE,
            "at the deadline: `complete` (compute the remaining blocks) or `degraded` (answer from the exit reached)");
    static final ConfigKey<Integer> MAX_PENDING = ConfigKey.integer("offload.max-pending", 64, 1, 100_000,
            "bound on offloads awaiting an answer");
    static final ConfigKey<Duration> PROBE_INTERVAL = ConfigKey.duration("offload.probe-interval", Duration.ofSeconds(10),
            "a light probe is sent when nothing was offloaded for this long").allowing(d -> !d.isZero(), "must be positive");
    static final ConfigKey<MeasuredCosts.PayloadRule> PAYLOAD = ConfigKey.enumOf("offload.payload",
            MeasuredCosts.PayloadRule.class, MeasuredCosts.PayloadRule.AUTO,
            "what an offload carries: `auto` (the cheaper of features and raw sample), `features` or `raw`");
    static final ConfigKey<Integer> QUEUE_SIZE = ConfigKey.integer("queue.size", 64, 1, 1_000_000,
            "bounded intake queue; a sample arriving when it is full is answered `overloaded` at once");
    static final ConfigKey<Path> STATE_DIR = ConfigKey.path("state.dir", Path.of("/var/lib/splitee"),
            "where the engine's state and the cost estimates are saved");
    static final ConfigKey<Duration> STATE_SAVE_INTERVAL = ConfigKey.duration("state.save-interval",
            Duration.ofSeconds(30), "how often the state is saved (also at shutdown)")
            .allowing(d -> !d.isZero(), "must be positive");
    static final ConfigKey<Integer> METRICS_PORT = ProgramBuilder.METRICS_PORT;
    static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.duration("shutdown.grace", Duration.ofSeconds(10),
            "bound on the graceful shutdown (SIGTERM)").allowing(d -> !d.isZero(), "must be positive");

    /** The device's defaults of the shared broker keys: a session of 1 h, 32 in flight, the Paho client. */
    static final List<ConfigKey<?>> MQTT = MqttConnection.keys(Duration.ofHours(1), 32, MqttSettings.Client.PAHO);

    /** Every key, in documented order. */
    static final List<ConfigKey<?>> ALL = ConfigKey.listOf(List.of(DEVICE_ID), MQTT, List.of(MODEL_DIR,
            INTRA_OP_THREADS, POLICY, THRESHOLD, UCB_C, DISCOUNT, WINDOW, SEED, RAW_SAMPLE_ARM, COST_MODE, LAMBDA, OFFLOAD_COST,
            WEIGHT_DEVICE_MS, WEIGHT_LINK_MS, WEIGHT_MILLIJOULE, ENCODING, DEFLATE, DEADLINE, FALLBACK, MAX_PENDING,
            PROBE_INTERVAL, PAYLOAD, QUEUE_SIZE, STATE_DIR, STATE_SAVE_INTERVAL, METRICS_PORT, SHUTDOWN_GRACE));
}
