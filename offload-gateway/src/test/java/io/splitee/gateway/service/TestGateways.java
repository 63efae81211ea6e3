package io.splitee.gateway.service;

import io.splitee.gateway.config.GatewayConfig;
import io.splitee.model.TestPackages;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Gateway configurations for the integration tests: fast reconnects, small pools, the real model. */
final class TestGateways {
    private TestGateways() {
    }

    /** The real model package directory (a test failure, never a skip, when it is missing). */
    static Path model() {
        return TestPackages.realPackageDir();
    }

    static Map<String, String> base(String id, String brokerUri, Path... models) {
        Map<String, String> o = new HashMap<>();
        o.put("gateway.id", id);
        o.put("mqtt.uri", brokerUri);
        o.put("models", Stream.of(models.length == 0 ? new Path[] {model()} : models).map(Path::toString)
                .collect(Collectors.joining(",")));
        o.put("workers", "1");
        o.put("runtime.intra-op-threads", "1");
        o.put("mqtt.reconnect-min", "100ms");
        o.put("mqtt.reconnect-max", "1s");
        o.put("shutdown.grace", "20s");
        return o;
    }

    static GatewayConfig config(String id, String brokerUri, Map<String, String> extra, Path... models)
            throws Exception {
        Map<String, String> o = base(id, brokerUri, models);
        o.putAll(extra);
        return GatewayConfig.load(null, Map.of(), o);
    }
}
