package io.splitee.gateway.config;

import io.splitee.config.ConfigException;
import io.splitee.config.ConfigSource;
import java.nio.file.Path;
import java.util.Map;

/** How the gateway's keys ({@link GatewayKeys}) become a {@link GatewayConfig}. */
final class ConfigLoader {

    /** The gateway's keys with their defaults; environment variables are {@code SPLITEE_GW_} + the key. */
    static final ConfigSource DEFAULTS = ConfigSource.of("SPLITEE_GW_",
            "offload-gateway/splitee-gateway.example.properties", GatewayKeys.ALL);

    private ConfigLoader() {
    }

    static GatewayConfig load(Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        ConfigSource c = DEFAULTS.resolve(file, env, overrides);
        if (c.get(GatewayKeys.BATCH_MAX_SIZE) == 1) {
            c.refuseIfSet(GatewayKeys.BATCH_MAX_WAIT, "batch.max-size is 1 (batching off), so no batch waits");
        }
        try {
            return GatewayConfig.builder(c.get(GatewayKeys.GATEWAY_ID), c.get(GatewayKeys.MODELS))
                    .read(c)
                    .sharedGroup(c.get(GatewayKeys.SHARED_GROUP))
                    .receiveMaximum(c.get(GatewayKeys.RECEIVE_MAXIMUM))
                    .workers(c.get(GatewayKeys.WORKERS))
                    .batch(new GatewayConfig.Batch(c.get(GatewayKeys.BATCH_MAX_SIZE), c.get(GatewayKeys.BATCH_MAX_WAIT)))
                    .maxFrameBytes(c.get(GatewayKeys.FRAME_MAX_BYTES))
                    .replyKeyFile(c.optional(GatewayKeys.REPLY_KEY_FILE).orElse(null))
                    .build();
        } catch (IllegalArgumentException e) {
            throw c.invalid(e);
        }
    }
}
