package io.splitee.gateway;

import io.splitee.config.ConfigException;
import io.splitee.gateway.config.GatewayConfig;
import io.splitee.gateway.service.Gateway;
import io.splitee.lifecycle.Signals;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code splitee-gateway run --config FILE [--set key=value]...}: starts the gateway and serves until
 * SIGTERM (or SIGINT), then shuts down gracefully and exits 0.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Serve offloaded samples until SIGTERM. Configuration: the file, then SPLITEE_GW_* "
                + "environment variables, then --set, in increasing precedence "
                + "(keys: offload-gateway/splitee-gateway.example.properties).")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "the properties file")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one key (repeatable)")
    List<String> sets = List.of();

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new GatewayMain.InputException("--set '" + s + "': expected KEY=VALUE");
            }
            overrides.put(s.substring(0, eq).trim(), s.substring(eq + 1));
        }
        GatewayConfig c;
        try {
            c = GatewayConfig.load(config, System.getenv(), overrides);
        } catch (ConfigException e) {
            throw new GatewayMain.InputException(e.getMessage());
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(c);
        } catch (Gateway.StartupException e) {
            if (e.part() == Gateway.StartupException.Part.MODELS) {
                throw new GatewayMain.InputException(e.getMessage());
            }
            throw new GatewayMain.RunFailure(e.getMessage());
        }
        // SIGTERM/SIGINT: close gracefully (answer what is queued, disconnect), then return 0 and exit.
        Signals.onTerminate(gateway::close, "splitee-gw-shutdown");
        gateway.awaitStopped();
        return 0;
    }
}
