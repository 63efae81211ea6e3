package io.splitee.gateway.config;

import io.splitee.config.ConfigException;
import io.splitee.config.ConfigSource;
import io.splitee.config.MqttConnection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The gateway's keys and their defaults, and how their values become a {@link GatewayConfig}. */
final class ConfigLoader {
    /** Every key the gateway knows, with its default ({@code null}: no default). */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("gateway.id", null);
        KEYS.putAll(MqttConnection.keys("5m", 64));
        // hivemq: it copies payloads in bulk where Paho reads them byte by byte (docs/gateway.md, "MQTT client")
        KEYS.put("mqtt.client", "hivemq");
        KEYS.put("mqtt.shared-group", "gateways");
        // The largest: Mosquitto 2.0.11 overruns smaller ones, and the HiveMQ client then (as MQTT 5 requires)
        // drops the connection; the gateway's own bound on frames is queue.size, beyond it "overloaded".
        KEYS.put("mqtt.receive-maximum", "65535");
        KEYS.put("models", null);
        KEYS.put("runtime.intra-op-threads", "1");
        KEYS.put("workers", "2");
        KEYS.put("queue.size", "256");
        KEYS.put("batch.max-size", "16");
        KEYS.put("batch.max-wait", "2ms");
        KEYS.put("frame.max-bytes", "262144");
        KEYS.put("metrics.port", "0");
        KEYS.put("shutdown.grace", "10s");
    }

    /** The gateway's keys with their defaults; environment variables are {@code SPLITEE_GW_} + the key. */
    static final ConfigSource DEFAULTS = ConfigSource.of("SPLITEE_GW_",
            "offload-gateway/splitee-gateway.example.properties", KEYS);

    private ConfigLoader() {
    }

    static GatewayConfig load(Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        ConfigSource c = DEFAULTS.resolve(file, env, overrides);
        try {
            MqttConnection mqtt = MqttConnection.read(c);
            GatewayConfig.Batch batch = new GatewayConfig.Batch(c.integer("batch.max-size"), c.duration("batch.max-wait"));
            return new GatewayConfig(c.required("gateway.id"), mqtt, c.required("mqtt.shared-group"),
                    c.integer("mqtt.receive-maximum"), c.paths("models", "model package directories"),
                    c.integer("runtime.intra-op-threads"), c.integer("workers"), c.integer("queue.size"), batch,
                    c.integer("frame.max-bytes"), c.integer("metrics.port"), c.duration("shutdown.grace"));
        } catch (IllegalArgumentException e) {
            throw c.invalid(e);
        }
    }
}
