package io.splitee.demo.gateway;

import io.splitee.gateway.config.GatewayConfig;
import io.splitee.gateway.service.Gateway;
import io.splitee.model.ModelPackage;
import java.util.Map;

/** The real offload gateway ({@code io.splitee.gateway}), started in the demo's process. */
final class InProcessGateway implements GatewayLauncher.RunningGateway {
    private final Gateway gateway;

    private InProcessGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    static GatewayLauncher.RunningGateway start(ModelPackage pkg, String brokerUri) throws Exception {
        GatewayConfig cfg = GatewayConfig.load(null, Map.of(), Map.of(
                "gateway.id", "demo-gateway",
                "mqtt.uri", brokerUri,
                "models", pkg.directory().toAbsolutePath().toString(),
                "mqtt.session-expiry", "0s",
                "workers", "1",
                "runtime.intra-op-threads", "1"));
        return new InProcessGateway(Gateway.start(cfg));
    }

    @Override
    public long answered() {
        return (long) gateway.metrics().registry().counter("splitee.gateway.answers", "status", "ok").count();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
