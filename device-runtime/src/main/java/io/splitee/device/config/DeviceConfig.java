package io.splitee.device.config;

import static io.splitee.config.ConfigSource.requireNonNegative;
import static io.splitee.config.ConfigSource.requirePositive;
import static io.splitee.config.ConfigSource.requireRange;

import io.splitee.config.ConfigException;
import io.splitee.config.MqttConnection;
import io.splitee.device.cost.MeasuredCosts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The validated configuration of one device daemon. Build it with {@link #load}; the records
 * validate themselves so a hand-built configuration (tests, the demo) obeys the same rules.
 *
 * @param deviceId        the device's name; it is a segment of every topic ({@code splitee/{id}/...})
 * @param mqtt            broker connection ({@code mqtt.*}, shared with the gateway)
 * @param modelDir        the model package directory
 * @param intraOpThreads  ONNX Runtime intra-op threads (one shared pool for all sessions)
 * @param policy          the SplitEE engine's policy and parameters
 * @param cost            how measured costs become reward units
 * @param offload         what is sent to the gateway and how long the device waits
 * @param queueSize       bounded intake queue; a sample arriving when it is full is answered {@code overloaded}
 * @param stateDir        where engine state and cost estimates are saved
 * @param stateSaveInterval how often state is saved (also on shutdown)
 * @param metricsPort     Prometheus text endpoint port; 0 = off
 * @param shutdownGrace   bound on the graceful shutdown (answer in-flight samples, save, disconnect)
 */
public record DeviceConfig(
        String deviceId,
        MqttConnection mqtt,
        Path modelDir,
        int intraOpThreads,
        PolicyConfig policy,
        Cost cost,
        Offload offload,
        int queueSize,
        Path stateDir,
        Duration stateSaveInterval,
        int metricsPort,
        Duration shutdownGrace) {

    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public DeviceConfig {
        Objects.requireNonNull(deviceId, "device.id");
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("device.id: '" + deviceId
                    + "' must be 1-64 characters of letters, digits, '_' or '-' (it is an MQTT topic segment)");
        }
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(modelDir, "model.dir");
        requireRange("runtime.intra-op-threads", intraOpThreads, 1, 64);
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(cost, "cost");
        if (policy.rawSampleArm() && cost.mode() == Cost.Mode.PAPER) {
            throw new IllegalArgumentException("policy.raw-sample-arm: arm 0 (send the raw sample) exists in live "
                    + "(measured) cost mode only; the paper's setting has arms 1..L");
        }
        if (policy.rawSampleArm() && !policy.name().matches("splitee|splitee-s|random")) {
            throw new IllegalArgumentException("policy.raw-sample-arm: only the adaptive policies (splitee, splitee-s, "
                    + "random) play arm 0; policy is " + policy.name());
        }
        Objects.requireNonNull(offload, "offload");
        requireRange("queue.size", queueSize, 1, 1_000_000);
        Objects.requireNonNull(stateDir, "state.dir");
        requirePositive("state.save-interval", stateSaveInterval);
        requireRange("metrics.port", metricsPort, 0, 65535);
        requirePositive("shutdown.grace", shutdownGrace);
    }

    /** Topic the device takes samples from. */
    public String samplesTopic() {
        return "splitee/" + deviceId + "/samples";
    }

    /** Topic the device publishes offloaded features to. */
    public String featuresTopic() {
        return "splitee/" + deviceId + "/features";
    }

    /** Topic every answer for this device goes to; the device is its only writer. */
    public String resultsTopic() {
        return "splitee/" + deviceId + "/results";
    }

    /** Retained status topic (online/offline, last will). */
    public String statusTopic() {
        return "splitee/" + deviceId + "/status";
    }

    /** Response topic the device names on offloads; the gateway answers there. */
    public String repliesTopic() {
        return "splitee/" + deviceId + "/replies";
    }

    /**
     * The engine's policy.
     *
     * @param name          {@code splitee}, {@code splitee-s}, {@code final}, {@code fixed:K}, {@code random}, {@code early-exit}
     * @param threshold     confidence threshold α in (0, 1]
     * @param ucbC          UCB exploration constant c ≥ 0
     * @param seed          seed of the policy's random source
     * @param rawSampleArm  offer arm 0 (send the raw sample, compute nothing on the device); off in paper mode
     */
    public record PolicyConfig(String name, double threshold, double ucbC, long seed, boolean rawSampleArm) {
        private static final Pattern NAME = Pattern.compile("splitee|splitee-s|final|random|early-exit|fixed:[0-9]{1,3}");

        public PolicyConfig {
            Objects.requireNonNull(name, "policy");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("policy: unknown policy '" + name
                        + "' (splitee, splitee-s, final, fixed:K, random, early-exit)");
            }
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("policy.threshold: " + threshold + " is outside (0, 1]");
            }
            if (!(ucbC >= 0) || Double.isInfinite(ucbC)) {
                throw new IllegalArgumentException("policy.ucb-c: " + ucbC + " must be a finite number ≥ 0");
            }
        }
    }

    /**
     * How costs become reward units. In {@code paper} mode the costs are the paper's constants: λ per
     * block computed on the device and o per offload. In {@code measured} mode they come from the
     * device's own measurements: milliseconds of device compute, of link (round trip and transfer)
     * and of gateway compute, each times a weight.
     *
     * @param mode          paper or measured
     * @param lambda        paper mode: cost per block on the device (λ ≥ 0)
     * @param offloadCost   paper mode: cost of one offload (o ≥ 0)
     * @param perDeviceMs   measured mode: reward units per millisecond of device compute
     * @param perLinkMs     measured mode: reward units per millisecond on the link, gateway compute included
     * @param perMillijoule measured mode: reward units per millijoule (needs a power sensor; 0 = ignored)
     */
    public record Cost(Mode mode, double lambda, double offloadCost, double perDeviceMs, double perLinkMs,
                       double perMillijoule) {
        /** Where the costs come from. */
        public enum Mode { PAPER, MEASURED }

        public Cost {
            Objects.requireNonNull(mode, "cost.mode");
            requireNonNegative("cost.lambda", lambda);
            requireNonNegative("cost.offload", offloadCost);
            requireNonNegative("cost.weight.device-ms", perDeviceMs);
            requireNonNegative("cost.weight.link-ms", perLinkMs);
            requireNonNegative("cost.weight.millijoule", perMillijoule);
        }
    }

    /**
     * Offloading.
     *
     * @param encoding      feature encoding on the wire: fp32, fp16, int8, int8-channel
     * @param deflate       lossless deflate on top of the encoding
     * @param deadline      how long the device waits for the gateway before finishing the sample itself
     * @param fallback      what the device does at the deadline: compute the remaining blocks, or answer from the exit it has (degraded)
     * @param maxPending    bound on offloads awaiting an answer (each holds its features for the fallback)
     * @param probeInterval a light probe is sent when nothing was offloaded for this long (keeps link estimates fresh, detects a returning gateway)
     * @param payload       what an offload carries: auto (cheapest by measured cost), features, raw
     */
    public record Offload(String encoding, boolean deflate, Duration deadline, Fallback fallback, int maxPending,
                          Duration probeInterval, MeasuredCosts.PayloadRule payload) {
        /** What the device does when an offload is not answered in time. */
        public enum Fallback { COMPLETE, DEGRADED }

        private static final Pattern ENCODING = Pattern.compile("fp32|fp16|int8|int8-channel");

        public Offload {
            Objects.requireNonNull(encoding, "offload.encoding");
            if (!ENCODING.matcher(encoding).matches()) {
                throw new IllegalArgumentException("offload.encoding: unknown encoding '" + encoding
                        + "' (fp32, fp16, int8, int8-channel)");
            }
            requirePositive("offload.deadline", deadline);
            Objects.requireNonNull(fallback, "offload.fallback");
            requireRange("offload.max-pending", maxPending, 1, 100_000);
            requirePositive("offload.probe-interval", probeInterval);
            Objects.requireNonNull(payload, "offload.payload");
        }
    }

    /**
     * Resolves a configuration: defaults, then the file (if any), then environment variables
     * ({@code SPLITEE_} + the key upper-cased with {@code .} and {@code -} as {@code _}), then
     * command-line overrides.
     *
     * @param file      properties file, or {@code null} for none
     * @param env       the environment (normally {@link System#getenv()})
     * @param overrides {@code key=value} pairs from the command line
     * @return the validated configuration
     * @throws ConfigException naming the key (and its source) when anything is wrong
     */
    public static DeviceConfig load(Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        return ConfigLoader.load(file, env, overrides);
    }
}
