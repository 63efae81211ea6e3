package io.splitee.device.cli;

import io.splitee.config.ConfigException;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.daemon.DeviceDaemon;
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
 * {@code splitee-device run}: the headless daemon. Runs until SIGTERM/SIGINT, then shuts down
 * gracefully (answers what is in flight, saves state, disconnects) and exits 0.
 *
 * <p>The service layer: under systemd ({@code NOTIFY_SOCKET} set) it sends {@code READY=1} once the daemon
 * serves, the status line when it changes, {@code WATCHDOG=1} while the worker loop beats, and {@code STOPPING=1}
 * at SIGTERM before the drain ({@link ServiceNotifier}). Exit codes: 2 bad configuration or an unsupported
 * platform, 3 the broker unreachable at start, 1 the worker failed.
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

    /**
     * The daemon logs one line per event to stdout (journald collects it), with time and thread; set
     * before the first logger exists, and only where the user gave no {@code -D} of their own.
     * ({@code simulate --json} keeps stdout for its JSON: only {@code run} does this.)
     */
    static void logToStdout() {
        String p = "org.slf4j.simpleLogger.";
        System.getProperties().putIfAbsent(p + "logFile", "System.out");
        System.getProperties().putIfAbsent(p + "showDateTime", "true");
        System.getProperties().putIfAbsent(p + "dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.getProperties().putIfAbsent(p + "showShortLogName", "true");
        System.getProperties().putIfAbsent(p + "log.org.eclipse.paho", "warn");
    }

    @Override
    public Integer call() throws Exception {
        logToStdout();
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
        try {
            NativePlatform.requireSupported(); // before ONNX Runtime fails in a static initialiser
        } catch (UnsupportedPlatformException e) {
            throw new InputException(e.getMessage());
        }
        ServiceManager systemd = ServiceManager.fromEnvironment();
        Heartbeats heartbeats = Heartbeats.system();
        DeviceDaemon daemon;
        try {
            daemon = DeviceDaemon.start(cfg, heartbeats);
        } catch (DeviceDaemon.StartupException e) {
            systemd.close();
            if (e.peerUnavailable()) {
                throw new UnavailableException(e.getMessage());
            }
            throw new InputException(e.getMessage());
        }
        // broker session up, model loaded, worker started: ready
        ServiceNotifier notifier = ServiceNotifier.ready(systemd, heartbeats,
                () -> daemon.deviceStatus().snapshot().summary(), "splitee-" + cfg.deviceId() + "-notify");
        // SIGTERM/SIGINT: stop gracefully before the JVM's shutdown hooks run (ONNX Runtime's own hook
        // would release its environment under a running session), then return 0 and exit.
        Signals.onTerminate(() -> {
            notifier.stopping("stopping: answering what is in flight, then saving state");
            daemon.close();
        }, "splitee-" + cfg.deviceId() + "-shutdown");
        // SIGHUP: read the coaps pre-shared keys again (only with DTLS; otherwise SIGHUP stops as it did)
        daemon.coap().filter(c -> c.secureAddress().isPresent()).ifPresent(c ->
                Signals.onHangup(c::reloadKeys, "splitee-" + cfg.deviceId() + "-reload"));
        daemon.awaitStopped();
        daemon.close();
        notifier.close();
        if (daemon.failure().isPresent()) {
            throw new IllegalStateException("worker failed: " + daemon.failure().get());
        }
        return 0;
    }
}
