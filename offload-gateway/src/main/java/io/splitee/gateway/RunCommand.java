package io.splitee.gateway;

import io.splitee.config.ConfigException;
import io.splitee.gateway.config.GatewayConfig;
import io.splitee.gateway.service.Gateway;
import io.splitee.lifecycle.Heartbeats;
import io.splitee.lifecycle.ServiceManager;
import io.splitee.lifecycle.ServiceNotifier;
import io.splitee.lifecycle.Signals;
import io.splitee.onnx.NativePlatform;
import io.splitee.onnx.UnsupportedPlatformException;
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
 *
 * <p>The service layer: under systemd ({@code NOTIFY_SOCKET} set) it sends {@code READY=1} once the gateway
 * serves, the status line when it changes, {@code WATCHDOG=1} while every worker loop beats, and
 * {@code STOPPING=1} at SIGTERM before the drain ({@link ServiceNotifier}).
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
        try {
            NativePlatform.requireSupported(); // before ONNX Runtime fails in a static initialiser
        } catch (UnsupportedPlatformException e) {
            throw new GatewayMain.InputException(e.getMessage());
        }
        ServiceManager systemd = ServiceManager.fromEnvironment();
        Heartbeats heartbeats = Heartbeats.system();
        Gateway gateway;
        try {
            gateway = Gateway.start(c, heartbeats);
        } catch (Gateway.StartupException e) {
            systemd.close();
            switch (e.part()) {
                case MODELS, REPLY_KEY -> throw new GatewayMain.InputException(e.getMessage());
                case BROKER -> throw new GatewayMain.Unavailable(e.getMessage());
                default -> throw new GatewayMain.RunFailure(e.getMessage());
            }
        }
        // models loaded, workers running, broker session up: ready
        ServiceNotifier notifier = ServiceNotifier.ready(systemd, heartbeats, gateway::statusLine,
                "splitee-gw-" + c.gatewayId() + "-notify");
        // SIGTERM/SIGINT: close gracefully (answer what is queued, disconnect), then return 0 and exit.
        Signals.onTerminate(() -> {
            notifier.stopping("stopping: answering " + gateway.queued() + " queued frame(s)");
            gateway.close();
        }, "splitee-gw-shutdown");
        gateway.awaitStopped();
        notifier.close();
        return 0;
    }
}
