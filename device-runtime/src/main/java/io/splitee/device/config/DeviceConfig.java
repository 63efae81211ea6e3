package io.splitee.device.config;

import io.splitee.config.ConfigException;
import io.splitee.config.ConfigKey;
import io.splitee.config.MqttConnection;
import io.splitee.config.ProgramBuilder;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.engine.Characteristic;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.PolicySpec;
import io.splitee.wire.Encoding;
import io.splitee.wire.Ids;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated configuration of one device daemon. Read it with {@link #load} (file, environment,
 * {@code --set}), or build it in code with {@link #builder}; the records validate themselves against
 * the keys' definitions, so a built configuration obeys the same rules as a loaded one.
 *
 * @param deviceId the device's name; it is a segment of every topic ({@code splitee/{id}/...})
 * @param mqtt     broker connection ({@code mqtt.*}, shared with the gateway)
 * @param model    the model package and the ONNX Runtime threads that compute it
 * @param engine   the SplitEE engine's policy and how measured costs become reward units
 * @param offload  what is sent to the gateway and how long the device waits
 * @param service  the intake queue, saved state, metrics and shutdown
 */
public record DeviceConfig(
        String deviceId,
        MqttConnection mqtt,
        Model model,
        Engine engine,
        Offload offload,
        Service service) {

    /** Validates; every message starts with the key. */
    public DeviceConfig {
        Objects.requireNonNull(deviceId, "device.id");
        Ids.requireName("device.id", deviceId);
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(offload, "offload");
        Objects.requireNonNull(service, "service");
        if (engine.cost().perMillijoule() > 0 && service.gpio().power().isEmpty()) {
            throw new IllegalArgumentException("cost.weight.millijoule: " + engine.cost().perMillijoule()
                    + " needs a power sensor to measure energy, and power.sensor is none (set gpio.enabled=true "
                    + "and power.sensor=ina219)");
        }
    }

    /** The board's LED, button and power sensor ({@code service().gpio()}). */
    public Gpio gpio() {
        return service.gpio();
    }

    /** The engine's policy ({@code engine().policy()}). */
    public PolicyConfig policy() {
        return engine.policy();
    }

    /** How costs become reward units ({@code engine().cost()}). */
    public Cost cost() {
        return engine.cost();
    }

    /** The CoAP server ({@code service().coap()}). */
    public CoapConfig coap() {
        return service.coap();
    }

    /**
     * Every key's value as the configuration file writes it, in documented order (unset optional keys
     * omitted), with secrets masked: {@code mqtt.password} shows as {@value #MASK}. For the CoAP
     * {@code GET /config} resource.
     */
    public Map<String, String> describe() {
        return ConfigLoader.describe(this, MASK);
    }

    /** What {@link #describe} shows instead of a secret. */
    public static final String MASK = "********";

    /** Topic the device takes samples from. */
    public String samplesTopic() {
        return "splitee/" + deviceId + "/samples";
    }

    /** Topic the device publishes offloaded features to. */
    public String featuresTopic() {
        return "splitee/" + deviceId + "/features";
    }

    /** Topic every answer for this device goes to; the device is its only writer. */
    public String resultsTopic() {
        return "splitee/" + deviceId + "/results";
    }

    /** Retained status topic (online/offline, last will). */
    public String statusTopic() {
        return "splitee/" + deviceId + "/status";
    }

    /** Response topic the device names on offloads; the gateway answers there. */
    public String repliesTopic() {
        return "splitee/" + deviceId + "/replies";
    }

    /**
     * The model package and the ONNX Runtime threads that compute it.
     *
     * @param dir            the model package directory
     * @param intraOpThreads ONNX Runtime intra-op threads (one shared pool for all sessions)
     * @param boardSlowdown  how many times longer each block and exit head takes than on this machine (1: as
     *                       it is; more: an emulated slower board, the daemon really waits and measures)
     */
    public record Model(Path dir, int intraOpThreads, double boardSlowdown) {
        /** Validates; every message starts with the key. */
        public Model {
            DeviceKeys.MODEL_DIR.check(dir);
            DeviceKeys.INTRA_OP_THREADS.check(intraOpThreads);
            DeviceKeys.BOARD_SLOWDOWN.check(boardSlowdown);
        }

        /** No board emulation. */
        public Model(Path dir, int intraOpThreads) {
            this(dir, intraOpThreads, 1.0);
        }
    }

    /**
     * What the engine plays and what it pays; the two are checked together (arm 0 needs measured costs and a
     * policy that plays every arm).
     *
     * @param policy the SplitEE engine's policy and parameters
     * @param cost   how measured costs become reward units
     */
    public record Engine(PolicyConfig policy, Cost cost) {
        /** Validates; every message starts with the key. */
        public Engine {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(cost, "cost");
            if (policy.rawSampleArm() && cost.mode() == Cost.Mode.PAPER) {
                throw new IllegalArgumentException("policy.raw-sample-arm: arm 0 (send the raw sample) exists in live "
                        + "(measured) cost mode only; the paper's setting has arms 1..L");
            }
            if (policy.rawSampleArm() && !policy.spec().has(Characteristic.PLAYS_EVERY_ARM)) {
                throw new IllegalArgumentException("policy.raw-sample-arm: only the adaptive policies (splitee, "
                        + "splitee-s, random) play arm 0; policy is " + policy.name());
            }
        }
    }

    /**
     * Where and when the engine's state (its snapshot and the cost estimates) is saved.
     *
     * @param dir          {@code state.dir}: where it is saved
     * @param saveInterval {@code state.save-interval}: the longest time between two saves (also at start and on
     *                     shutdown)
     * @param saveEvery    {@code state.save-every}: it is also saved after this many outcomes recorded since the
     *                     last save
     * @param runtimeDir   {@code state.runtime-dir}: where the MQTT client keeps the answers in flight across a
     *                     restart of the process; empty: {@code $RUNTIME_DIRECTORY}, else {@code dir} ({@link
     *                     #runtimeDir(String)})
     */
    public record State(Path dir, Duration saveInterval, int saveEvery, Optional<Path> runtimeDir) {
        /** Validates; every message starts with the key. */
        public State {
            DeviceKeys.STATE_DIR.check(dir);
            Objects.requireNonNull(runtimeDir, "runtimeDir");
            runtimeDir.ifPresent(DeviceKeys.STATE_RUNTIME_DIR::check);
            DeviceKeys.STATE_SAVE_INTERVAL.check(saveInterval);
            DeviceKeys.STATE_SAVE_EVERY.check(saveEvery);
        }

        /**
         * The runtime directory in effect: {@code state.runtime-dir} when set; else {@code runtimeDirectory} (the
         * service manager's {@code $RUNTIME_DIRECTORY}, its first entry when it names several, separated by
         * {@code :}) when set and not blank; else {@code state.dir}.
         */
        public Path runtimeDir(String runtimeDirectory) {
            if (runtimeDir.isPresent()) {
                return runtimeDir.get();
            }
            if (runtimeDirectory != null && !runtimeDirectory.isBlank()) {
                return Path.of(runtimeDirectory.split(":", -1)[0]);
            }
            return dir;
        }
    }

    /**
     * How the daemon runs as a service.
     *
     * @param queue             the samples the device holds at once ({@code queue.*})
     * @param state             where and when the engine's state is saved ({@code state.*})
     * @param metrics           the Prometheus text endpoint ({@code metrics.*})
     * @param shutdownGrace     bound on the graceful shutdown (answer in-flight samples, save, disconnect)
     * @param local             the device's local interfaces: the CoAP server and the board's GPIO
     * @param resultsQos        {@code results.qos}: the QoS of the answers on {@code splitee/<id>/results}, 1 or 2.
     *                          At 2 an answer whose acknowledgement a link reset lost, and which the MQTT client
     *                          therefore resends into the resumed session, reaches subscribers once (the broker
     *                          knows the packet id); at 1 the broker delivers the resend again (docs/operations.md)
     */
    public record Service(Queue queue, State state, Metrics metrics, Duration shutdownGrace, Local local,
                          int resultsQos) {
        /** Validates; every message starts with the key. */
        public Service {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(metrics, "metrics");
            DeviceKeys.SHUTDOWN_GRACE.check(shutdownGrace);
            Objects.requireNonNull(local, "local");
            DeviceKeys.RESULTS_QOS.check(resultsQos);
        }

        /** {@code state.dir}: see {@link State#dir()}. */
        public Path stateDir() {
            return state.dir();
        }

        /** {@code state.save-interval}: see {@link State#saveInterval()}. */
        public Duration stateSaveInterval() {
            return state.saveInterval();
        }

        /** {@code state.save-every}: see {@link State#saveEvery()}. */
        public int stateSaveEvery() {
            return state.saveEvery();
        }

        /** {@code metrics.port}: see {@link Metrics#port()}. */
        public int metricsPort() {
            return metrics.port();
        }

        /** {@code metrics.bind}: see {@link Metrics#bind()}. */
        public String metricsBind() {
            return metrics.bind();
        }

        /** {@code queue.size}: see {@link Queue#size()}. */
        public int queueSize() {
            return queue.size();
        }

        /** {@code queue.overload.after}: see {@link Queue#overloadAfter()}. */
        public Duration overloadAfter() {
            return queue.overloadAfter();
        }

        /** The CoAP server ({@code coap.*}), off by default. */
        public CoapConfig coap() {
            return local.coap();
        }

        /** The board's status LED, button and power sensor ({@link Gpio#OFF}: none). */
        public Gpio gpio() {
            return local.gpio();
        }
    }

    /**
     * The samples the device holds at once.
     *
     * @param size          {@code queue.size}: the device's MQTT Receive Maximum (at most 65,535; the broker keeps the
     *                      rest of a backlog, and samples from the broker are never refused for want of room) and the
     *                      bound on waiting samples that CoAP requests find (5.03 beyond it)
     * @param overloadAfter {@code queue.overload.after}: how long at least half of {@code size} samples from the
     *                      broker may be held without a break before the samples taken are answered
     *                      {@code overloaded} (code {@code BACKLOG}) until the backlog is gone
     */
    public record Queue(int size, Duration overloadAfter) {
        /** Validates; every message starts with the key. */
        public Queue {
            DeviceKeys.QUEUE_SIZE.check(size);
            DeviceKeys.QUEUE_OVERLOAD_AFTER.check(overloadAfter);
        }
    }

    /**
     * The device's local interfaces, besides MQTT: each off by default.
     *
     * @param coap the CoAP server ({@code coap.*})
     * @param gpio the board's status LED, button and power sensor ({@code gpio.*}, {@code power.*})
     */
    public record Local(CoapConfig coap, Gpio gpio) {
        /** Neither CoAP nor GPIO. */
        public static final Local NONE = new Local(CoapConfig.disabled(), Gpio.OFF);

        /** Validates. */
        public Local {
            Objects.requireNonNull(coap, "coap.enabled");
            Objects.requireNonNull(gpio, "gpio.enabled");
        }
    }

    /**
     * The board's local interface (Pi4J, {@code io.splitee.device.gpio}): each part optional. Off, no part may be
     * configured.
     *
     * @param enabled whether the daemon opens GPIO and I²C at all
     * @param led     the status LED
     * @param button  the button
     * @param power   the power sensor, which makes {@code cost.weight.millijoule} real
     */
    public record Gpio(boolean enabled, Optional<Led> led, Optional<Button> button, Optional<Power> power) {
        /** No GPIO: the daemon runs as on a board without any. */
        public static final Gpio OFF = new Gpio(false, Optional.empty(), Optional.empty(), Optional.empty());

        /** Validates; every message starts with the key. */
        public Gpio {
            Objects.requireNonNull(led, "gpio.led.pin");
            Objects.requireNonNull(button, "gpio.button.pin");
            Objects.requireNonNull(power, "power.sensor");
            if (!enabled && (led.isPresent() || button.isPresent() || power.isPresent())) {
                String key = led.isPresent() ? "gpio.led.pin" : button.isPresent() ? "gpio.button.pin" : "power.sensor";
                throw new IllegalArgumentException(key + ": configured, but gpio.enabled is false");
            }
        }
    }

    /**
     * A status LED: one pin, or three (red, green, blue).
     *
     * @param pins      BCM pin numbers: one, or R, G, B
     * @param activeLow whether a pin lights its LED while low (common anode)
     */
    public record Led(List<Integer> pins, boolean activeLow) {
        /** Validates; every message starts with the key. */
        public Led {
            pins = List.copyOf(pins);
            if (pins.size() == 1) {
                DeviceKeys.LED_PIN.check(pins.get(0));
            } else {
                DeviceKeys.LED_RGB.check(pins);
            }
        }

        /** Whether this is an RGB LED. */
        public boolean rgb() {
            return pins.size() == 3;
        }

        /** The key that configured the pins, for messages. */
        public String key() {
            return rgb() ? DeviceKeys.LED_RGB.name() : DeviceKeys.LED_PIN.name();
        }
    }

    /**
     * A push button to ground.
     *
     * @param pin       BCM pin number (pull-up enabled)
     * @param debounce  how long the pin must be steady before a press or release counts
     * @param longPress held at least this long: a long press (reset), else a short one (status)
     */
    public record Button(int pin, Duration debounce, Duration longPress) {
        /** Validates; every message starts with the key. */
        public Button {
            DeviceKeys.BUTTON_PIN.check(pin);
            DeviceKeys.BUTTON_DEBOUNCE.check(debounce);
            DeviceKeys.BUTTON_LONG_PRESS.check(longPress);
            if (longPress.compareTo(debounce) <= 0) {
                throw new IllegalArgumentException("gpio.button.long-press: must be longer than gpio.button.debounce");
            }
        }
    }

    /**
     * An INA219 power sensor on I²C, read in the background.
     *
     * @param bus            I²C bus number ({@code /dev/i2c-<bus>})
     * @param address        7-bit address, 0x40..0x4f
     * @param shuntOhms      shunt resistance in ohms
     * @param maxCurrent     largest current expected, in amperes (calibration)
     * @param sampleInterval time between readings
     */
    public record Power(int bus, int address, double shuntOhms, double maxCurrent, Duration sampleInterval) {
        /** The power sensors the daemon drives. */
        public enum Sensor { NONE, INA219 }

        /** Validates; every message starts with the key. */
        public Power {
            DeviceKeys.POWER_BUS.check(bus);
            DeviceKeys.POWER_ADDRESS.check(address);
            DeviceKeys.POWER_SHUNT_OHMS.check(shuntOhms);
            DeviceKeys.POWER_MAX_CURRENT.check(maxCurrent);
            DeviceKeys.POWER_SAMPLE_INTERVAL.check(sampleInterval);
        }

        /** An INA219 at 0x40 on bus 1 with the defaults of the keys (0.1 Ω, 3.2 A, every 2 ms). */
        public static Power ina219() {
            return new Power(DeviceKeys.POWER_BUS.defaultValue().orElseThrow(),
                    DeviceKeys.POWER_ADDRESS.defaultValue().orElseThrow(),
                    DeviceKeys.POWER_SHUNT_OHMS.defaultValue().orElseThrow(),
                    DeviceKeys.POWER_MAX_CURRENT.defaultValue().orElseThrow(),
                    DeviceKeys.POWER_SAMPLE_INTERVAL.defaultValue().orElseThrow());
        }
    }

    /**
     * The engine's policy.
     *
     * @param name          a policy spec ({@link PolicySpec#parse}): {@code splitee}, {@code splitee-s}, {@code final},
     *                      {@code fixed:K}, {@code random}, {@code early-exit}; kept canonical
     * @param threshold     confidence threshold α in (0, 1]
     * @param ucbC          UCB exploration constant c ≥ 0
     * @param seed          seed of the policy's random source
     * @param rawSampleArm  offer arm 0 (send the raw sample, compute nothing on the device); off in paper mode
     */
    public record PolicyConfig(String name, double threshold, double ucbC, long seed, boolean rawSampleArm) {
        /**
         * The daemon's default policy ({@code policy}), and the demo's {@code --policy} default: SplitEE-S with side
         * observations that need no C_a stand-in ({@code side=learned}), a Page-Hinkley change detector
         * ({@code detect=ph}) and, after an alarm, 30 plays of arm L and a tenth of the exploration constant
         * ({@code refocus=0.1}). It met issue 14's replay targets (docs/results.md, "Refocus after an alarm") and
         * did better than plain {@code splitee-s} in three back-to-back pairs of default demo runs (docs/results.md,
         * "The default demo run with the candidate"). A state saved under another policy is not loaded (the
         * daemon says so and starts fresh; set {@code policy} to that policy to keep it).
         */
        public static final String DEFAULT_POLICY = "splitee-s:side=learned,detect=ph,refocus=0.1";
        /**
         * The UCB exploration constant with the paper's costs (λ, o): the paper's value, the default of
         * {@code simulate}, {@code sweep}, the demo's paper yardstick and {@code policy.ucb-c} in paper mode.
         */
        public static final double PAPER_UCB_C = EngineConfig.DEFAULT_EXPLORATION_CONSTANT;
        /** {@link #PAPER_UCB_C} as flags write it. */
        public static final String PAPER_UCB_C_TEXT = "1";
        /**
         * The UCB exploration constant with measured costs at the default weights (0.1 per ms): the default of
         * {@code policy.ucb-c} in measured mode, of {@code simulate --cost-profile} and of the demo's
         * {@code --cost measured}; with {@code splitee-s} it met issue #8's latency targets in every replayed
         * case (docs/payload.md, "Weights and exploration").
         */
        public static final double MEASURED_UCB_C = 0.5;

        /** Validates; the name is checked by {@link PolicySpec#parse} and kept canonical. */
        public PolicyConfig {
            Objects.requireNonNull(name, "policy");
            try {
                name = PolicySpec.parse(name).toString();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("policy: " + e.getMessage(), e);
            }
            DeviceKeys.THRESHOLD.check(threshold);
            DeviceKeys.UCB_C.check(ucbC);
        }

        /** The default UCB exploration constant with costs of {@code mode}: {@link #PAPER_UCB_C} or {@link #MEASURED_UCB_C}. */
        public static double defaultUcbC(Cost.Mode mode) {
            return mode == Cost.Mode.PAPER ? PAPER_UCB_C : MEASURED_UCB_C;
        }

        /** The parsed spec, with what the policy is known to do (which keys it reads, whether it plays arm 0). */
        public PolicySpec spec() {
            return PolicySpec.parse(name);
        }

        /**
         * Checks that this policy fits a model of {@code blocks} blocks ({@code fixed:K} needs K ≤ L), which only
         * the model package knows.
         *
         * @throws IllegalArgumentException {@code policy: ...}
         */
        public void requireFits(int blocks) {
            try {
                spec().checkArms(blocks);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("policy: " + e.getMessage() + " (the model has " + blocks + " exits)", e);
            }
        }
    }

    /**
     * How costs become reward units. In {@code paper} mode the costs are the paper's constants: λ per
     * block computed on the device and o per offload. In {@code measured} mode they come from the
     * device's own measurements: milliseconds of device compute, of link (round trip and transfer)
     * and of gateway compute, each times a weight.
     *
     * @param mode          paper or measured
     * @param lambda        paper mode: cost per block on the device (λ ≥ 0)
     * @param offloadCost   paper mode: cost of one offload (o ≥ 0)
     * @param perDeviceMs   measured mode: reward units per millisecond of device compute
     * @param perLinkMs     measured mode: reward units per millisecond on the link, gateway compute included
     * @param perMillijoule measured mode: reward units per millijoule of device compute above idle; &gt; 0 needs a
     *                      power sensor ({@code power.sensor})
     */
    public record Cost(Mode mode, double lambda, double offloadCost, double perDeviceMs, double perLinkMs,
                       double perMillijoule) {
        /** Where the costs come from. */
        public enum Mode { PAPER, MEASURED }

        /** Validates; every message starts with the key. */
        public Cost {
            DeviceKeys.COST_MODE.check(mode);
            DeviceKeys.LAMBDA.check(lambda);
            DeviceKeys.OFFLOAD_COST.check(offloadCost);
            DeviceKeys.WEIGHT_DEVICE_MS.check(perDeviceMs);
            DeviceKeys.WEIGHT_LINK_MS.check(perLinkMs);
            DeviceKeys.WEIGHT_MILLIJOULE.check(perMillijoule);
        }
    }

    /**
     * Offloading.
     *
     * @param format        how features travel on the wire
     * @param deadline      how long the device waits for the gateway before finishing the sample itself
     * @param fallback      what the device does at the deadline: compute the remaining blocks, or answer from the exit it has (degraded)
     * @param maxPending    bound on offloads awaiting an answer (each holds its features for the fallback)
     * @param probeInterval a light probe is sent when nothing was offloaded for this long (keeps link estimates fresh, detects a returning gateway)
     * @param payload       what an offload carries: auto (cheapest by measured cost), features, raw
     */
    public record Offload(Format format, Duration deadline, Fallback fallback, int maxPending, Duration probeInterval,
                          MeasuredCosts.PayloadRule payload) {
        /** What the device does when an offload is not answered in time. */
        public enum Fallback { COMPLETE, DEGRADED }

        /** Validates; every message starts with the key. */
        public Offload {
            Objects.requireNonNull(format, "offload.encoding");
            DeviceKeys.DEADLINE.check(deadline);
            DeviceKeys.FALLBACK.check(fallback);
            DeviceKeys.MAX_PENDING.check(maxPending);
            DeviceKeys.PROBE_INTERVAL.check(probeInterval);
            DeviceKeys.PAYLOAD.check(payload);
        }

        /** {@code offload.reply-key-file} ({@code format().replyKeyFile()}). */
        public Optional<Path> replyKeyFile() {
            return format.replyKeyFile();
        }

        /** The feature encoding on the wire ({@code format().encoding()}). */
        public Encoding encoding() {
            return format.encoding();
        }

        /** Whether frames are deflated on top of the encoding ({@code format().deflate()}). */
        public boolean deflate() {
            return format.deflate();
        }
    }

    /**
     * The Prometheus text endpoint.
     *
     * @param bind {@code metrics.bind}: the address it listens on (an IP literal; loopback by default)
     * @param port {@code metrics.port}: its port; 0 = off
     */
    public record Metrics(String bind, int port) {
        /** Validates; every message starts with the key. */
        public Metrics {
            DeviceKeys.METRICS_BIND.check(bind);
            DeviceKeys.METRICS_PORT.check(port);
        }
    }

    /**
     * How offloads and their replies travel on the wire.
     *
     * @param encoding     feature encoding on the wire
     * @param deflate      lossless deflate on top of the encoding
     * @param replyKeyFile {@code offload.reply-key-file}: the fleet's reply key; set, a gateway reply is applied only
     *                     with a valid tag ({@link io.splitee.replyauth.ReplyKey})
     */
    public record Format(Encoding encoding, boolean deflate, Optional<Path> replyKeyFile) {
        /** Without a reply key. */
        public Format(Encoding encoding, boolean deflate) {
            this(encoding, deflate, Optional.empty());
        }

        /** Validates; every message starts with the key. */
        public Format {
            Objects.requireNonNull(replyKeyFile, "offload.reply-key-file");
            DeviceKeys.ENCODING.check(encoding);
        }
    }

    /**
     * Every key the daemon knows, each defined once, in documented order (the example file and the key table
     * in docs/device.md are checked against them).
     */
    public static List<ConfigKey<?>> keys() {
        return DeviceKeys.ALL;
    }

    /**
     * A builder with every other value at its key's default; {@code policy.ucb-c}, unless set, follows the cost
     * mode ({@link PolicyConfig#defaultUcbC}).
     */
    public static Builder builder(String deviceId, Path modelDir) {
        return new Builder(deviceId, modelDir);
    }

    /**
     * {@code base} with {@code overrides} on top ({@code key=value} from a command line, e.g. the demo's
     * {@code --set}), validated as {@link #load} validates: the overrides count as set by the user.
     *
     * @throws ConfigException naming the key when anything is wrong
     */
    public static DeviceConfig load(DeviceConfig base, Map<String, String> overrides) throws ConfigException {
        return ConfigLoader.load(ConfigLoader.source(base), null, Map.of(), overrides);
    }

    /**
     * Builds a {@link DeviceConfig} without strings; {@link #build} validates. The keys the gateway has too
     * ({@code mqtt.*}, {@code runtime.intra-op-threads}, {@code queue.size}, {@code metrics.port},
     * {@code shutdown.grace}) are set by {@link ProgramBuilder}'s setters, with the daemon's defaults.
     */
    public static final class Builder extends ProgramBuilder<Builder> {
        private final String deviceId;
        private final Path modelDir;
        private String policy = DeviceKeys.POLICY.defaultValue().orElseThrow();
        private double threshold = DeviceKeys.THRESHOLD.defaultValue().orElseThrow();
        private Double ucbC;
        private long seed = DeviceKeys.SEED.defaultValue().orElseThrow();
        private boolean rawSampleArm = DeviceKeys.RAW_SAMPLE_ARM.defaultValue().orElseThrow();
        private Cost.Mode costMode = DeviceKeys.COST_MODE.defaultValue().orElseThrow();
        private double boardSlowdown = DeviceKeys.BOARD_SLOWDOWN.defaultValue().orElseThrow();
        private double lambda = DeviceKeys.LAMBDA.defaultValue().orElseThrow();
        private double offloadCost = DeviceKeys.OFFLOAD_COST.defaultValue().orElseThrow();
        private double perDeviceMs = DeviceKeys.WEIGHT_DEVICE_MS.defaultValue().orElseThrow();
        private double perLinkMs = DeviceKeys.WEIGHT_LINK_MS.defaultValue().orElseThrow();
        private double perMillijoule = DeviceKeys.WEIGHT_MILLIJOULE.defaultValue().orElseThrow();
        private Encoding encoding = DeviceKeys.ENCODING.defaultValue().orElseThrow();
        private boolean deflate = DeviceKeys.DEFLATE.defaultValue().orElseThrow();
        private Duration deadline = DeviceKeys.DEADLINE.defaultValue().orElseThrow();
        private Offload.Fallback fallback = DeviceKeys.FALLBACK.defaultValue().orElseThrow();
        private int maxPending = DeviceKeys.MAX_PENDING.defaultValue().orElseThrow();
        private Duration probeInterval = DeviceKeys.PROBE_INTERVAL.defaultValue().orElseThrow();
        private MeasuredCosts.PayloadRule payload = DeviceKeys.PAYLOAD.defaultValue().orElseThrow();
        private Path replyKeyFile;
        private Duration overloadAfter = DeviceKeys.QUEUE_OVERLOAD_AFTER.defaultValue().orElseThrow();
        private int resultsQos = DeviceKeys.RESULTS_QOS.defaultValue().orElseThrow();
        private Path stateDir = DeviceKeys.STATE_DIR.defaultValue().orElseThrow();
        private Duration stateSaveInterval = DeviceKeys.STATE_SAVE_INTERVAL.defaultValue().orElseThrow();
        private int stateSaveEvery = DeviceKeys.STATE_SAVE_EVERY.defaultValue().orElseThrow();
        private Path stateRuntimeDir;
        private CoapConfig coap = CoapConfig.disabled();
        private Gpio gpio = Gpio.OFF;

        private Builder(String deviceId, Path modelDir) {
            super(MqttConnection.builder().build(), DeviceKeys.INTRA_OP_THREADS, DeviceKeys.QUEUE_SIZE,
                    DeviceKeys.SHUTDOWN_GRACE);
            this.deviceId = deviceId;
            this.modelDir = modelDir;
        }

        /** {@code policy}. */
        public Builder policy(String spec) {
            this.policy = spec;
            return this;
        }

        /** {@code policy.threshold}. */
        public Builder threshold(double value) {
            this.threshold = value;
            return this;
        }

        /** {@code policy.ucb-c}; {@code null}: the default of the cost mode. */
        public Builder ucbC(Double value) {
            this.ucbC = value;
            return this;
        }

        /** {@code policy.seed}. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** {@code policy.raw-sample-arm}. */
        public Builder rawSampleArm(boolean value) {
            this.rawSampleArm = value;
            return this;
        }

        /** {@code cost.mode}. */
        /** {@code runtime.board-slowdown}: emulate a board this many times slower (1: none). */
        public Builder boardSlowdown(double value) {
            this.boardSlowdown = value;
            return this;
        }

        public Builder costMode(Cost.Mode value) {
            this.costMode = value;
            return this;
        }

        /** {@code cost.lambda} and {@code cost.offload} (paper mode). */
        public Builder paperCosts(double perBlock, double perOffload) {
            this.lambda = perBlock;
            this.offloadCost = perOffload;
            return this;
        }

        /** {@code cost.weight.device-ms} and {@code cost.weight.link-ms} (measured mode). */
        public Builder weights(double deviceMs, double linkMs) {
            this.perDeviceMs = deviceMs;
            this.perLinkMs = linkMs;
            return this;
        }

        /** {@code cost.weight.millijoule} (measured mode; &gt; 0 needs {@link #gpio} with a power sensor). */
        public Builder perMillijoule(double value) {
            this.perMillijoule = value;
            return this;
        }

        /** {@code offload.encoding}. */
        public Builder encoding(Encoding value) {
            this.encoding = value;
            return this;
        }

        /** {@code offload.deflate}. */
        public Builder deflate(boolean value) {
            this.deflate = value;
            return this;
        }

        /** {@code offload.deadline}. */
        public Builder deadline(Duration value) {
            this.deadline = value;
            return this;
        }

        /** {@code offload.fallback}. */
        public Builder fallback(Offload.Fallback value) {
            this.fallback = value;
            return this;
        }

        /** {@code offload.max-pending}. */
        public Builder maxPending(int value) {
            this.maxPending = value;
            return this;
        }

        /** {@code offload.probe-interval}. */
        public Builder probeInterval(Duration value) {
            this.probeInterval = value;
            return this;
        }

        /** {@code offload.payload}. */
        public Builder payload(MeasuredCosts.PayloadRule value) {
            this.payload = value;
            return this;
        }

        /** {@code offload.reply-key-file} (null: none). */
        public Builder replyKeyFile(Path value) {
            this.replyKeyFile = value;
            return this;
        }

        /** {@code queue.overload.after}. */
        public Builder overloadAfter(Duration value) {
            this.overloadAfter = value;
            return this;
        }

        /** {@code results.qos}. */
        public Builder resultsQos(int value) {
            this.resultsQos = value;
            return this;
        }

        /** {@code state.dir}. */
        public Builder stateDir(Path value) {
            this.stateDir = value;
            return this;
        }

        /** {@code state.save-interval}. */
        public Builder stateSaveInterval(Duration value) {
            this.stateSaveInterval = value;
            return this;
        }

        /** {@code state.runtime-dir} (null: unset). */
        public Builder stateRuntimeDir(Path value) {
            this.stateRuntimeDir = value;
            return this;
        }

        /** {@code state.save-every}. */
        public Builder stateSaveEvery(int value) {
            this.stateSaveEvery = value;
            return this;
        }

        /** The CoAP server ({@code coap.*}). */
        public Builder coap(CoapConfig value) {
            this.coap = value;
            return this;
        }

        /** {@code gpio.*} and {@code power.*}: the board's LED, button and power sensor. */
        public Builder gpio(Gpio value) {
            this.gpio = value;
            return this;
        }

        /**
         * The validated configuration.
         *
         * @throws IllegalArgumentException naming the key
         */
        public DeviceConfig build() {
            double c = ucbC != null ? ucbC : PolicyConfig.defaultUcbC(costMode);
            return new DeviceConfig(deviceId, mqtt, new Model(modelDir, intraOpThreads, boardSlowdown),
                    new Engine(new PolicyConfig(policy, threshold, c, seed, rawSampleArm),
                            new Cost(costMode, lambda, offloadCost, perDeviceMs, perLinkMs, perMillijoule)),
                    new Offload(new Format(encoding, deflate, Optional.ofNullable(replyKeyFile)), deadline, fallback,
                            maxPending, probeInterval, payload),
                    new Service(new Queue(queueSize, overloadAfter),
                            new State(stateDir, stateSaveInterval, stateSaveEvery, Optional.ofNullable(stateRuntimeDir)),
                            new Metrics(metricsBind, metricsPort), shutdownGrace,
                            new Local(coap, gpio), resultsQos));
        }
    }

    /**
     * Resolves a configuration: defaults, then the file (if any), then environment variables
     * ({@code SPLITEE_} + the key upper-cased with {@code .} and {@code -} as {@code _}), then
     * command-line overrides.
     *
     * @param file      properties file, or {@code null} for none
     * @param env       the environment (normally {@link System#getenv()})
     * @param overrides {@code key=value} pairs from the command line
     * @return the validated configuration
     * @throws ConfigException naming the key (and its source) when anything is wrong
     */
    public static DeviceConfig load(Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        return ConfigLoader.load(file, env, overrides);
    }
}
