package io.splitee.device.config;

import static io.splitee.device.config.DeviceKeys.COST_MODE;
import static io.splitee.device.config.DeviceKeys.LAMBDA;
import static io.splitee.device.config.DeviceKeys.OFFLOAD_COST;
import static io.splitee.device.config.DeviceKeys.WEIGHT_DEVICE_MS;
import static io.splitee.device.config.DeviceKeys.WEIGHT_LINK_MS;
import static io.splitee.device.config.DeviceKeys.WEIGHT_MILLIJOULE;

import io.splitee.config.ConfigException;
import io.splitee.config.ConfigSource;
import io.splitee.engine.Characteristic;
import io.splitee.engine.PolicySpec;
import java.nio.file.Path;
import java.util.Map;

/** How the daemon's keys ({@link DeviceKeys}) become a {@link DeviceConfig}. */
final class ConfigLoader {

    /** The daemon's keys with their defaults; environment variables are {@code SPLITEE_} + the key. */
    static final ConfigSource DEFAULTS = ConfigSource.of("SPLITEE_",
            "device-runtime/splitee-device.example.properties", DeviceKeys.ALL);

    private ConfigLoader() {
    }

    static DeviceConfig load(Path file, Map<String, String> env, Map<String, String> overrides) throws ConfigException {
        return load(DEFAULTS, file, env, overrides);
    }

    static DeviceConfig load(ConfigSource base, Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        ConfigSource c = base.resolve(file, env, overrides);
        refuseInert(c);
        try {
            DeviceConfig.Cost.Mode mode = c.get(COST_MODE);
            return DeviceConfig.builder(c.get(DeviceKeys.DEVICE_ID), c.get(DeviceKeys.MODEL_DIR))
                    .read(c)
                    .policy(policy(c))
                    .threshold(c.get(DeviceKeys.THRESHOLD))
                    .ucbC(c.isSet(DeviceKeys.UCB_C) || base != DEFAULTS ? c.get(DeviceKeys.UCB_C) : null)
                    .seed(c.get(DeviceKeys.SEED))
                    .rawSampleArm(c.get(DeviceKeys.RAW_SAMPLE_ARM))
                    .costMode(mode)
                    .paperCosts(c.get(LAMBDA), c.get(OFFLOAD_COST))
                    .weights(c.get(WEIGHT_DEVICE_MS), c.get(WEIGHT_LINK_MS))
                    .perMillijoule(c.get(WEIGHT_MILLIJOULE))
                    .encoding(c.get(DeviceKeys.ENCODING))
                    .deflate(c.get(DeviceKeys.DEFLATE))
                    .deadline(c.get(DeviceKeys.DEADLINE))
                    .fallback(c.get(DeviceKeys.FALLBACK))
                    .maxPending(c.get(DeviceKeys.MAX_PENDING))
                    .probeInterval(c.get(DeviceKeys.PROBE_INTERVAL))
                    .payload(c.get(DeviceKeys.PAYLOAD))
                    .stateDir(c.get(DeviceKeys.STATE_DIR))
                    .stateSaveInterval(c.get(DeviceKeys.STATE_SAVE_INTERVAL))
                    .build();
        } catch (IllegalArgumentException e) {
            throw c.invalid(e);
        }
    }

    /** {@code policy} with {@code policy.discount} or {@code policy.window} folded into its spec. */
    private static String policy(ConfigSource c) throws ConfigException {
        PolicySpec spec = PolicySpec.parse(c.get(DeviceKeys.POLICY));
        java.util.Optional<Double> gamma = c.optional(DeviceKeys.DISCOUNT);
        java.util.Optional<Integer> tau = c.optional(DeviceKeys.WINDOW);
        if (gamma.isPresent()) {
            spec = spec.withDiscount(gamma.get());
        }
        if (tau.isPresent()) {
            spec = spec.withWindow(tau.get());
        }
        return spec.toString();
    }

    /** Refuses a key the user set that does nothing with the other values. */
    private static void refuseInert(ConfigSource c) throws ConfigException {
        DeviceConfig.Cost.Mode mode = c.get(COST_MODE);
        if (mode == DeviceConfig.Cost.Mode.MEASURED) {
            String why = "cost.mode is measured, which reads the cost.weight.* keys; only cost.mode=paper reads it";
            c.refuseIfSet(LAMBDA, why);
            c.refuseIfSet(OFFLOAD_COST, why);
        } else {
            String why = "cost.mode is paper, which reads cost.lambda and cost.offload; only cost.mode=measured reads it";
            c.refuseIfSet(WEIGHT_DEVICE_MS, why);
            c.refuseIfSet(WEIGHT_LINK_MS, why);
            c.refuseIfSet(WEIGHT_MILLIJOULE, why);
        }
        PolicySpec spec = PolicySpec.parse(c.get(DeviceKeys.POLICY));
        if (!spec.has(Characteristic.ADAPTIVE)) {
            c.refuseIfSet(DeviceKeys.UCB_C, "policy " + c.get(DeviceKeys.POLICY)
                    + " does not explore; only policy=splitee, splitee-s and splitee-s-paper read it");
        }
        for (io.splitee.config.ConfigKey<?> k : java.util.List.of(DeviceKeys.DISCOUNT, DeviceKeys.WINDOW)) {
            if (!spec.has(Characteristic.ADAPTIVE)) {
                c.refuseIfSet(k, "policy " + c.get(DeviceKeys.POLICY)
                        + " does not learn; only splitee, splitee-s and splitee-s-paper read it");
            }
            if (spec.discount() != 0 || spec.window() != 0 || spec.authorsInit()) {
                c.refuseIfSet(k, "policy " + c.get(DeviceKeys.POLICY) + " already sets its parameters; give them in one place");
            }
        }
        if (c.optional(DeviceKeys.DISCOUNT).isPresent()) {
            c.refuseIfSet(DeviceKeys.WINDOW, "policy.discount is set too; a policy discounts or windows, not both");
        }
        if (!spec.has(Characteristic.RANDOMIZED)) {
            c.refuseIfSet(DeviceKeys.SEED, "policy " + c.get(DeviceKeys.POLICY)
                    + " draws no random numbers; only policy=random reads it");
        }
    }

    /** The values of {@code config} as the program's own values under {@link #DEFAULTS}. */
    static ConfigSource source(DeviceConfig d) {
        DeviceConfig.PolicyConfig p = d.policy();
        DeviceConfig.Cost k = d.cost();
        DeviceConfig.Offload o = d.offload();
        return d.mqtt().applyTo(DEFAULTS)
                .with(DeviceKeys.DEVICE_ID, d.deviceId())
                .with(DeviceKeys.MODEL_DIR, d.model().dir())
                .with(DeviceKeys.INTRA_OP_THREADS, d.model().intraOpThreads())
                .with(DeviceKeys.POLICY, p.name())
                .with(DeviceKeys.THRESHOLD, p.threshold())
                .with(DeviceKeys.UCB_C, p.ucbC())
                .with(DeviceKeys.SEED, p.seed())
                .with(DeviceKeys.RAW_SAMPLE_ARM, p.rawSampleArm())
                .with(COST_MODE, k.mode())
                .with(LAMBDA, k.lambda())
                .with(OFFLOAD_COST, k.offloadCost())
                .with(WEIGHT_DEVICE_MS, k.perDeviceMs())
                .with(WEIGHT_LINK_MS, k.perLinkMs())
                .with(WEIGHT_MILLIJOULE, k.perMillijoule())
                .with(DeviceKeys.ENCODING, o.encoding())
                .with(DeviceKeys.DEFLATE, o.deflate())
                .with(DeviceKeys.DEADLINE, o.deadline())
                .with(DeviceKeys.FALLBACK, o.fallback())
                .with(DeviceKeys.MAX_PENDING, o.maxPending())
                .with(DeviceKeys.PROBE_INTERVAL, o.probeInterval())
                .with(DeviceKeys.PAYLOAD, o.payload())
                .with(DeviceKeys.QUEUE_SIZE, d.service().queueSize())
                .with(DeviceKeys.STATE_DIR, d.service().stateDir())
                .with(DeviceKeys.STATE_SAVE_INTERVAL, d.service().stateSaveInterval())
                .with(DeviceKeys.METRICS_PORT, d.service().metricsPort())
                .with(DeviceKeys.SHUTDOWN_GRACE, d.service().shutdownGrace());
    }
}
