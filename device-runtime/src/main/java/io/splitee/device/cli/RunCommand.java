package io.splitee.device.cli;

import io.splitee.device.config.ConfigException;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.daemon.DeviceDaemon;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code splitee-device run}: the headless daemon. Runs until SIGTERM/SIGINT, then shuts down
 * gracefully (answers what is in flight, saves state, disconnects) and exits 0.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the device daemon: samples from MQTT, SplitEE decisions, offloads to a gateway.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (see splitee-device.example.properties); optional when every "
                    + "required key comes from the environment or --set")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override one configuration key (repeatable), e.g. --set policy=splitee-s")
    List<String> sets = List.of();

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new InputException("--set " + s + ": expected KEY=VALUE");
            }
            overrides.put(s.substring(0, eq).trim(), s.substring(eq + 1));
        }
        DeviceConfig cfg;
        try {
            cfg = DeviceConfig.load(config, System.getenv(), overrides);
        } catch (ConfigException e) {
            throw new InputException("configuration: " + e.getMessage());
        }
        DeviceDaemon daemon;
        try {
            daemon = DeviceDaemon.start(cfg);
        } catch (DeviceDaemon.StartupException e) {
            throw new InputException(e.getMessage());
        }
        Thread hook = new Thread(() -> {
            daemon.close();
            System.out.flush();
            System.err.flush();
            // A graceful stop on SIGTERM is a success: exit 0, not the JVM's 143.
            Runtime.getRuntime().halt(daemon.failure().isPresent() ? 1 : 0);
        }, "splitee-" + cfg.deviceId() + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        daemon.awaitStopped();
        if (daemon.failure().isPresent()) {
            throw new IllegalStateException("worker failed: " + daemon.failure().get());
        }
        return 0;
    }
}
