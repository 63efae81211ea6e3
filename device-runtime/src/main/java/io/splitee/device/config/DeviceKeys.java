package io.splitee.device.config;

import io.splitee.config.ConfigKey;
import io.splitee.config.MqttConnection;
import io.splitee.config.ProgramBuilder;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.engine.Policies;
import io.splitee.engine.PolicySpec;
import io.splitee.mqtt.MqttSettings;
import io.splitee.wire.Encoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Every key of the device daemon, each defined once: name, type, default, allowed values, one doc line. */
final class DeviceKeys {
    private DeviceKeys() {
    }

    static final ConfigKey<String> DEVICE_ID = ConfigKey.name("device.id", null, "a device id",
            "this device's name, a topic level (`splitee/<id>/samples`, ...): 1..64 characters of `[A-Za-z0-9._-]`");
    static final ConfigKey<Path> MODEL_DIR = ConfigKey.path("model.dir", null,
            "the model package directory (manifest.json, block_NN.onnx, exit_NN.onnx)");
    static final ConfigKey<Integer> INTRA_OP_THREADS = ConfigKey.integer("runtime.intra-op-threads", 2, 1, 64,
            "ONNX Runtime intra-op threads, one pool shared by every session");
    static final ConfigKey<Double> BOARD_SLOWDOWN = ConfigKey.number("runtime.board-slowdown", 1.0,
            v -> v >= 1 && v <= 1000, "is outside [1, 1000]", "emulate a slower board: after each block and exit "
                    + "head the daemon waits (F − 1) times its measured time, and records F times its measured time "
                    + "(docs/demo.md, \"The emulated board\"); 1: no emulation, as on a real board");
    static final ConfigKey<String> POLICY = ConfigKey.parsed("policy", DeviceConfig.PolicyConfig.DEFAULT_POLICY, Policies::checkSpec, s -> s,
            "the engine's policy: " + String.join(", ", Policies.SPECS) + " (K: an arm, 1..L); the UCB policies take "
                    + "parameters, e.g. `splitee-s:side=learned`, `splitee-s-paper:init=authors`, `splitee-s:leave=first` "
                    + "(arm a leaves at the first confident exit 1..a; priced with every exit head on the way) "
                    + "(docs/engine.md)");
    static final ConfigKey<Double> THRESHOLD = ConfigKey.number("policy.threshold", 0.8, v -> v > 0 && v <= 1,
            "is outside (0, 1]", "confidence threshold α in (0, 1]: a sample exits on the device when its exit's confidence reaches it");
    static final ConfigKey<Double> UCB_C = ConfigKey.nonNegative("policy.ucb-c", DeviceConfig.PolicyConfig.MEASURED_UCB_C,
            "UCB exploration constant c ≥ 0 (splitee, splitee-s); unset: 0.5 with `cost.mode=measured`, "
                    + "1 (the paper's) with `cost.mode=paper`");
    static final ConfigKey<Double> DISCOUNT = ConfigKey.number("policy.discount", null, v -> v > 0 && v <= 1,
            "is outside (0, 1]", "discounted UCB for drifting costs: every arm's statistics times γ per sample "
                    + "(splitee, splitee-s, splitee-s-paper; the policy parameter `:discount=γ`); unset: no discount")
            .asOptional();
    static final ConfigKey<Integer> WINDOW = ConfigKey.integer("policy.window", null, 1, PolicySpec.MAX_WINDOW,
            "sliding-window UCB for drifting costs: each arm's statistics over its last τ updates (splitee, "
                    + "splitee-s, splitee-s-paper; `:window=τ`); unset: no window").asOptional();
    static final ConfigKey<Double> REFOCUS = ConfigKey.number("policy.refocus", null, v -> v > 0 && v <= 1,
            "is outside (0, 1]", "after a change detector's alarm, play arm L for 30 samples, then explore with f·c "
                    + "until the next alarm (splitee-s, splitee-s-paper with `:detect=ph`; `:refocus=f`); unset: off")
            .asOptional();
    static final ConfigKey<Long> SEED = ConfigKey.longInteger("policy.seed", 1L,
            "seed of the random policy's random source (only `policy=random` reads it)");
    static final ConfigKey<Boolean> RAW_SAMPLE_ARM = ConfigKey.bool("policy.raw-sample-arm", false,
            "offer arm 0: send the raw sample and compute nothing on the device (measured mode; splitee, splitee-s, random)");
    static final ConfigKey<DeviceConfig.Cost.Mode> COST_MODE = ConfigKey.enumOf("cost.mode", DeviceConfig.Cost.Mode.class,
            DeviceConfig.Cost.Mode.MEASURED, "`paper`: the paper's λ per block and o per offload; `measured`: this "
                    + "device's measured milliseconds of compute and link times the weights");
    static final ConfigKey<Double> LAMBDA = ConfigKey.nonNegative("cost.lambda", 0.01,
            "paper mode: cost λ per block computed on the device");
    static final ConfigKey<Double> OFFLOAD_COST = ConfigKey.nonNegative("cost.offload", 0.3,
            "paper mode: cost o of one offload");
    static final ConfigKey<Double> WEIGHT_DEVICE_MS = ConfigKey.nonNegative("cost.weight.device-ms", 0.1,
            "measured mode: reward units per millisecond of device compute");
    static final ConfigKey<Double> WEIGHT_LINK_MS = ConfigKey.nonNegative("cost.weight.link-ms", 0.1,
            "measured mode: reward units per millisecond of link (round trip, transfer, gateway compute)");
    static final ConfigKey<Double> WEIGHT_MILLIJOULE = ConfigKey.nonNegative("cost.weight.millijoule", 0.0,
            "measured mode: reward units per millijoule of device compute above the idle power (needs `power.sensor`)");
    static final ConfigKey<Encoding> ENCODING = ConfigKey.parsed("offload.encoding", Encoding.FP16, Encoding::parse,
            Encoding::jsonName, "feature encoding on the wire: " + Encoding.names());
    static final ConfigKey<Boolean> DEFLATE = ConfigKey.bool("offload.deflate", false,
            "lossless deflate on top of the encoding");
    static final ConfigKey<Duration> DEADLINE = ConfigKey.duration("offload.deadline", Duration.ofMillis(500),
            "how long to wait for the gateway before finishing the sample on the device")
            .allowing(d -> !d.isZero(), "must be positive");
    static final ConfigKey<DeviceConfig.Offload.Fallback> FALLBACK = ConfigKey.enumOf("offload.fallback",
            DeviceConfig.Offload.Fallback.class, DeviceConfig.Offload.Fallback.COMPLETE,
            "at the deadline: `complete` (compute the remaining blocks) or `degraded` (answer from the exit reached)");
    static final ConfigKey<Integer> MAX_PENDING = ConfigKey.integer("offload.max-pending", 64, 1, 100_000,
            "bound on offloads awaiting an answer");
    static final ConfigKey<Duration> PROBE_INTERVAL = ConfigKey.duration("offload.probe-interval", Duration.ofSeconds(10),
            "a light probe is sent when nothing was offloaded for this long").allowing(d -> !d.isZero(), "must be positive");
    static final ConfigKey<MeasuredCosts.PayloadRule> PAYLOAD = ConfigKey.enumOf("offload.payload",
            MeasuredCosts.PayloadRule.class, MeasuredCosts.PayloadRule.AUTO,
            "what an offload carries: `auto` (the cheaper of features and raw sample), `features` or `raw`");
    static final ConfigKey<Path> REPLY_KEY_FILE = ConfigKey.path("offload.reply-key-file", null,
            "the fleet's reply key (at least 32 bytes of text, readable by the service user only); set: a gateway "
                    + "reply is applied only with a valid HMAC-SHA256 tag (docs/security.md)").asOptional();
    static final ConfigKey<Integer> QUEUE_SIZE = ConfigKey.integer("queue.size", 64, 1, 1_000_000,
            "samples the device holds at once: its MQTT Receive Maximum (at most 65,535; the broker keeps the rest "
            + "of a backlog) and the bound for CoAP samples, answered 5.03 beyond it");
    static final ConfigKey<Duration> QUEUE_OVERLOAD_AFTER = ConfigKey.duration("queue.overload.after",
            Duration.ofSeconds(60), "how long the device may hold at least half of queue.size samples from the broker "
            + "without a break before it answers the samples it takes `overloaded` (a rate above its capacity), "
            + "until the backlog is gone").allowing(d -> !d.isZero(), "must be positive");
    static final ConfigKey<Integer> RESULTS_QOS = ConfigKey.integer("results.qos", 2, 1, 2,
            "QoS of the answers on splitee/<id>/results: 2 (an answer whose acknowledgement a link reset lost is "
            + "resent and delivered once) or 1 (the broker delivers such a resend again)");
    static final ConfigKey<Path> STATE_DIR = ConfigKey.path("state.dir", Path.of("/var/lib/splitee"),
            "where the engine's state and the cost estimates are saved");
    static final ConfigKey<Path> STATE_RUNTIME_DIR = ConfigKey.path("state.runtime-dir", null,
            "a directory that outlives a restart of the process, not a reboot (nothing in it is forced to disk): the "
            + "MQTT client keeps the answers in flight there (in `mqtt/`), so a killed and restarted device answers "
            + "no sample twice (docs/operations.md, \"Exactly once across a device kill\"); unset: the service "
            + "manager's `$RUNTIME_DIRECTORY` (the unit's `RuntimeDirectory=`, `/run/splitee-device`), else `state.dir`")
            .asOptional();
    static final ConfigKey<Duration> STATE_SAVE_INTERVAL = ConfigKey.duration("state.save-interval",
            Duration.ofSeconds(30), "how often the state is saved (also at start and at shutdown)")
            .allowing(d -> !d.isZero(), "must be positive");
    static final ConfigKey<Integer> STATE_SAVE_EVERY = ConfigKey.integer("state.save-every", 500, 1, 100_000_000,
            "the state is also saved after this many outcomes recorded since the last save, so a device killed "
            + "between timed saves loses at most this many");
    static final ConfigKey<Integer> METRICS_PORT = ProgramBuilder.METRICS_PORT;
    static final ConfigKey<String> METRICS_BIND = ProgramBuilder.METRICS_BIND;
    static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.duration("shutdown.grace", Duration.ofSeconds(10),
            "bound on the graceful shutdown (SIGTERM)").allowing(d -> !d.isZero(), "must be positive");

    // CoAP (io.splitee.device.coap): every coap.* key but coap.enabled is refused while coap.enabled=false
    static final ConfigKey<Boolean> COAP_ENABLED = ConfigKey.bool("coap.enabled", false,
            "serve CoAP (RFC 7252) on UDP: `POST /samples`, observable `GET /status`, `GET /config` (docs/device.md, \"CoAP\")");
    static final ConfigKey<String> COAP_BIND = ConfigKey.text("coap.bind", "0.0.0.0",
            "address the CoAP ports bind to").allowing(s -> !s.isBlank(), "must not be blank");
    static final ConfigKey<Integer> COAP_PORT = ConfigKey.integer("coap.port", 5683, 0, 65_535,
            "plain CoAP UDP port (0: any free port); closed with `coap.dtls.only=true`");
    static final ConfigKey<Path> COAP_DTLS_PSK_FILE = ConfigKey.path("coap.dtls.psk-file", null,
            "DTLS 1.2 pre-shared keys, `identity=secret` per line (`hex:` for a hex secret), readable by the service "
                    + "user only, reloaded when it changes and on SIGHUP; set: coaps on `coap.dtls.port`").asOptional();
    static final ConfigKey<Path> COAP_DTLS_CERTIFICATE = ConfigKey.path("coap.dtls.certificate", null,
            "PEM X.509 certificate chain of the device (its own first) for DTLS with certificates, an EC (P-256, "
                    + "P-384) key; set with `coap.dtls.private-key`: coaps on `coap.dtls.port`, with or without "
                    + "pre-shared keys").asOptional();
    static final ConfigKey<Path> COAP_DTLS_PRIVATE_KEY = ConfigKey.path("coap.dtls.private-key", null,
            "PEM private key (PKCS#8 or SEC1 EC) of `coap.dtls.certificate`, readable by the service user only")
            .asOptional();
    static final ConfigKey<CoapConfig.ClientAuth> COAP_DTLS_CLIENT_AUTH = ConfigKey.enumOf("coap.dtls.client-auth",
            CoapConfig.ClientAuth.class, CoapConfig.ClientAuth.REQUIRED,
            "with `coap.dtls.certificate`: `required` (a client proves a certificate that chains to "
                    + "`coap.dtls.trust`, or gets no connection) or `none` (clients are not asked for one)");
    static final ConfigKey<Path> COAP_DTLS_TRUST = ConfigKey.path("coap.dtls.trust", null,
            "PEM CA certificates a client's certificate must chain to (with `coap.dtls.client-auth=required`)")
            .asOptional();
    static final ConfigKey<Integer> COAP_DTLS_PORT = ConfigKey.integer("coap.dtls.port", 5684, 0, 65_535,
            "coaps (DTLS) UDP port (0: any free port)");
    static final ConfigKey<Boolean> COAP_DTLS_ONLY = ConfigKey.bool("coap.dtls.only", false,
            "serve coaps only: the plain `coap.port` is not opened");
    static final ConfigKey<Integer> COAP_DTLS_MAX_CONNECTIONS = ConfigKey.integer("coap.dtls.max-connections", 1000,
            1, 100_000, "bound on the DTLS connection store (the least recently used connection is evicted)");

    /** The CoAP keys, in documented order. */
    static final List<ConfigKey<?>> COAP = List.of(COAP_ENABLED, COAP_BIND, COAP_PORT, COAP_DTLS_PSK_FILE,
            COAP_DTLS_CERTIFICATE, COAP_DTLS_PRIVATE_KEY, COAP_DTLS_CLIENT_AUTH, COAP_DTLS_TRUST, COAP_DTLS_PORT,
            COAP_DTLS_ONLY, COAP_DTLS_MAX_CONNECTIONS);
    // ------------------------------------------------------------- the board: status LED, button, power sensor
    static final ConfigKey<Boolean> GPIO_ENABLED = ConfigKey.bool("gpio.enabled", false,
            "drive the board's status LED, button and power sensor (Pi4J); each part is optional, and the `gpio.*` "
                    + "and `power.*` keys are refused while this is false");
    static final ConfigKey<Integer> LED_PIN = ConfigKey.integer("gpio.led.pin", null, 0, 27,
            "BCM number of a one-colour status LED (not with `gpio.led.rgb`)").asOptional();
    static final ConfigKey<List<Integer>> LED_RGB = ConfigKey.parsed("gpio.led.rgb", null, DeviceKeys::parsePins,
            DeviceKeys::printPins, "BCM numbers `R,G,B` of an RGB status LED (not with `gpio.led.pin`)").asOptional()
            .allowing(p -> p.stream().allMatch(n -> n >= 0 && n <= 27) && p.stream().distinct().count() == 3,
                    "must be three different BCM pins 0..27");
    static final ConfigKey<Boolean> LED_ACTIVE_LOW = ConfigKey.bool("gpio.led.active-low", false,
            "the LED lights while its pin is low (a common-anode RGB LED)");
    static final ConfigKey<Integer> BUTTON_PIN = ConfigKey.integer("gpio.button.pin", null, 0, 27,
            "BCM number of the button, wired to ground (the pin's pull-up is enabled)").asOptional();
    static final ConfigKey<Duration> BUTTON_DEBOUNCE = ConfigKey.duration("gpio.button.debounce", Duration.ofMillis(50),
            "a press or release counts once the pin has been steady this long")
            .allowing(d -> !d.isZero() && d.compareTo(Duration.ofSeconds(1)) <= 0, "must be in (0, 1s]");
    static final ConfigKey<Duration> BUTTON_LONG_PRESS = ConfigKey.duration("gpio.button.long-press",
            Duration.ofSeconds(3), "held at least this long: reset the learned policy state (saved first as a "
                    + "backup in `state.dir`); shorter: publish the status and blink the arm")
            .allowing(d -> d.compareTo(Duration.ofSeconds(1)) >= 0, "must be at least 1s");
    static final ConfigKey<DeviceConfig.Power.Sensor> POWER_SENSOR = ConfigKey.enumOf("power.sensor",
            DeviceConfig.Power.Sensor.class, DeviceConfig.Power.Sensor.NONE,
            "`none` or `ina219`: the I²C power sensor whose readings make `cost.weight.millijoule` real");
    static final ConfigKey<Integer> POWER_BUS = ConfigKey.integer("power.i2c-bus", 1, 0, 31,
            "I²C bus of the power sensor (`/dev/i2c-<n>`)");
    static final ConfigKey<Integer> POWER_ADDRESS = ConfigKey.parsed("power.i2c-address", 0x40, DeviceKeys::parseAddress,
            a -> String.format("0x%02x", a), "I²C address of the INA219, 0x40..0x4f (A0, A1 straps)")
            .allowing(a -> a >= 0x40 && a <= 0x4f, "is outside 0x40..0x4f");
    static final ConfigKey<Double> POWER_SHUNT_OHMS = ConfigKey.number("power.shunt-ohms", 0.1, v -> v > 0 && v <= 100,
            "is outside (0, 100]", "shunt resistance in ohms (0.1 on the usual INA219 boards)");
    static final ConfigKey<Double> POWER_MAX_CURRENT = ConfigKey.number("power.max-current", 3.2,
            v -> v > 0 && v <= 100, "is outside (0, 100]",
            "largest current expected, in amperes: sets the current and power resolution (calibration)");
    static final ConfigKey<Duration> POWER_SAMPLE_INTERVAL = ConfigKey.duration("power.sample-interval",
            Duration.ofMillis(2), "how often the power is read (a background thread; the INA219 converts in 0.53 ms)")
            .allowing(d -> d.compareTo(Duration.ofMillis(1)) >= 0 && d.compareTo(Duration.ofSeconds(1)) <= 0,
                    "must be in [1ms, 1s]");

    /** The board's keys, in documented order: every one is refused while {@code gpio.enabled=false}. */
    static final List<ConfigKey<?>> BOARD = List.of(LED_PIN, LED_RGB, LED_ACTIVE_LOW, BUTTON_PIN, BUTTON_DEBOUNCE,
            BUTTON_LONG_PRESS, POWER_SENSOR, POWER_BUS, POWER_ADDRESS, POWER_SHUNT_OHMS, POWER_MAX_CURRENT,
            POWER_SAMPLE_INTERVAL);

    private static List<Integer> parsePins(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("is not three BCM pin numbers R,G,B");
        }
        List<Integer> pins = new java.util.ArrayList<>();
        for (String p : parts) {
            try {
                pins.add(Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not three BCM pin numbers R,G,B");
            }
        }
        return List.copyOf(pins);
    }

    private static Integer parseAddress(String text) {
        try {
            return Integer.decode(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not an I²C address (0x40)");
        }
    }

    private static String printPins(List<Integer> pins) {
        return pins.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    /** The device's defaults of the shared broker keys: a session of 1 h, 32 in flight, the Paho client. */
    static final List<ConfigKey<?>> MQTT = MqttConnection.keys(Duration.ofHours(1), 32, MqttSettings.Client.PAHO);

    /** Every key, in documented order. */
    static final List<ConfigKey<?>> ALL = ConfigKey.listOf(List.of(DEVICE_ID), MQTT, List.of(MODEL_DIR,
            INTRA_OP_THREADS, BOARD_SLOWDOWN, POLICY, THRESHOLD, UCB_C, DISCOUNT, WINDOW, REFOCUS, SEED, RAW_SAMPLE_ARM, COST_MODE, LAMBDA, OFFLOAD_COST,
            WEIGHT_DEVICE_MS, WEIGHT_LINK_MS, WEIGHT_MILLIJOULE, ENCODING, DEFLATE, DEADLINE, FALLBACK, MAX_PENDING,
            PROBE_INTERVAL, PAYLOAD, REPLY_KEY_FILE, QUEUE_SIZE, QUEUE_OVERLOAD_AFTER, RESULTS_QOS, STATE_DIR, STATE_RUNTIME_DIR, STATE_SAVE_INTERVAL, STATE_SAVE_EVERY, METRICS_PORT, METRICS_BIND,
            SHUTDOWN_GRACE), COAP,
            List.of(GPIO_ENABLED), BOARD);
}
