package io.splitee.device.config;

import io.splitee.config.ConfigException;
import io.splitee.config.ConfigSource;
import io.splitee.config.MqttConnection;
import io.splitee.device.cost.MeasuredCosts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The daemon's keys and their defaults, and how their values become a {@link DeviceConfig}. */
final class ConfigLoader {
    /** Every key the daemon knows, with its default ({@code null}: no default). Order is the documented order. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("device.id", null);
        KEYS.putAll(MqttConnection.keys("1h", 32));
        KEYS.put("model.dir", null);
        KEYS.put("runtime.intra-op-threads", "2");
        KEYS.put("policy", "splitee-s");
        KEYS.put("policy.threshold", "0.8");
        KEYS.put("policy.ucb-c", "0.5");
        KEYS.put("policy.seed", "1");
        KEYS.put("policy.raw-sample-arm", "false");
        KEYS.put("cost.mode", "measured");
        KEYS.put("cost.lambda", "0.01");
        KEYS.put("cost.offload", "0.3");
        KEYS.put("cost.weight.device-ms", "0.1");
        KEYS.put("cost.weight.link-ms", "0.1");
        KEYS.put("cost.weight.millijoule", "0");
        KEYS.put("offload.encoding", "fp16");
        KEYS.put("offload.deflate", "false");
        KEYS.put("offload.deadline", "500ms");
        KEYS.put("offload.fallback", "complete");
        KEYS.put("offload.max-pending", "64");
        KEYS.put("offload.probe-interval", "10s");
        KEYS.put("offload.payload", "auto");
        KEYS.put("queue.size", "64");
        KEYS.put("state.dir", "/var/lib/splitee");
        KEYS.put("state.save-interval", "30s");
        KEYS.put("metrics.port", "0");
        KEYS.put("shutdown.grace", "10s");
    }

    /** The daemon's keys with their defaults; environment variables are {@code SPLITEE_} + the key. */
    static final ConfigSource DEFAULTS = ConfigSource.of("SPLITEE_",
            "device-runtime/splitee-device.example.properties", KEYS);

    private ConfigLoader() {
    }

    static DeviceConfig load(Path file, Map<String, String> env, Map<String, String> overrides) throws ConfigException {
        ConfigSource c = DEFAULTS.resolve(file, env, overrides);
        try {
            MqttConnection mqtt = MqttConnection.read(c);
            DeviceConfig.PolicyConfig policy = new DeviceConfig.PolicyConfig(c.required("policy"),
                    c.number("policy.threshold"), c.number("policy.ucb-c"), c.longInteger("policy.seed"),
                    c.bool("policy.raw-sample-arm"));
            DeviceConfig.Cost cost = new DeviceConfig.Cost(c.enumOf("cost.mode", DeviceConfig.Cost.Mode.class),
                    c.number("cost.lambda"), c.number("cost.offload"), c.number("cost.weight.device-ms"),
                    c.number("cost.weight.link-ms"), c.number("cost.weight.millijoule"));
            DeviceConfig.Offload offload = new DeviceConfig.Offload(c.required("offload.encoding"),
                    c.bool("offload.deflate"), c.duration("offload.deadline"),
                    c.enumOf("offload.fallback", DeviceConfig.Offload.Fallback.class), c.integer("offload.max-pending"),
                    c.duration("offload.probe-interval"), c.enumOf("offload.payload", MeasuredCosts.PayloadRule.class));
            return new DeviceConfig(c.required("device.id"), mqtt, c.path("model.dir"),
                    c.integer("runtime.intra-op-threads"), policy, cost, offload, c.integer("queue.size"),
                    c.path("state.dir"), c.duration("state.save-interval"), c.integer("metrics.port"),
                    c.duration("shutdown.grace"));
        } catch (IllegalArgumentException e) {
            throw c.invalid(e);
        }
    }
}
