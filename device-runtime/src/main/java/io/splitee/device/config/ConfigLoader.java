package io.splitee.device.config;

import static io.splitee.device.config.DeviceKeys.COST_MODE;
import static io.splitee.device.config.DeviceKeys.LAMBDA;
import static io.splitee.device.config.DeviceKeys.OFFLOAD_COST;
import static io.splitee.device.config.DeviceKeys.WEIGHT_DEVICE_MS;
import static io.splitee.device.config.DeviceKeys.WEIGHT_LINK_MS;
import static io.splitee.device.config.DeviceKeys.WEIGHT_MILLIJOULE;

import io.splitee.config.ConfigException;
import io.splitee.config.ConfigKey;
import io.splitee.config.ConfigSource;
import io.splitee.engine.Characteristic;
import io.splitee.engine.PolicySpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How the daemon's keys ({@link DeviceKeys}) become a {@link DeviceConfig}. */
final class ConfigLoader {

    /** The daemon's keys with their defaults; environment variables are {@code SPLITEE_} + the key. */
    static final ConfigSource DEFAULTS = ConfigSource.of("SPLITEE_",
            "device-runtime/splitee-device.example.properties", DeviceKeys.ALL);

    private ConfigLoader() {
    }

    static DeviceConfig load(Path file, Map<String, String> env, Map<String, String> overrides) throws ConfigException {
        return load(DEFAULTS, file, env, overrides);
    }

    static DeviceConfig load(ConfigSource base, Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        ConfigSource c = base.resolve(file, env, overrides);
        refuseInert(c);
        try {
            DeviceConfig.Cost.Mode mode = c.get(COST_MODE);
            return DeviceConfig.builder(c.get(DeviceKeys.DEVICE_ID), c.get(DeviceKeys.MODEL_DIR))
                    .read(c)
                    .policy(policy(c))
                    .threshold(c.get(DeviceKeys.THRESHOLD))
                    .ucbC(c.isSet(DeviceKeys.UCB_C) || base != DEFAULTS ? c.get(DeviceKeys.UCB_C) : null)
                    .seed(c.get(DeviceKeys.SEED))
                    .rawSampleArm(c.get(DeviceKeys.RAW_SAMPLE_ARM))
                    .costMode(mode)
                    .boardSlowdown(c.get(DeviceKeys.BOARD_SLOWDOWN))
                    .paperCosts(c.get(LAMBDA), c.get(OFFLOAD_COST))
                    .weights(c.get(WEIGHT_DEVICE_MS), c.get(WEIGHT_LINK_MS))
                    .perMillijoule(c.get(WEIGHT_MILLIJOULE))
                    .encoding(c.get(DeviceKeys.ENCODING))
                    .deflate(c.get(DeviceKeys.DEFLATE))
                    .deadline(c.get(DeviceKeys.DEADLINE))
                    .fallback(c.get(DeviceKeys.FALLBACK))
                    .maxPending(c.get(DeviceKeys.MAX_PENDING))
                    .probeInterval(c.get(DeviceKeys.PROBE_INTERVAL))
                    .payload(c.get(DeviceKeys.PAYLOAD))
                    .replyKeyFile(c.optional(DeviceKeys.REPLY_KEY_FILE).orElse(null))
                    .stateDir(c.get(DeviceKeys.STATE_DIR))
                    .stateSaveInterval(c.get(DeviceKeys.STATE_SAVE_INTERVAL))
                    .stateSaveEvery(c.get(DeviceKeys.STATE_SAVE_EVERY))
                    .stateRuntimeDir(c.optional(DeviceKeys.STATE_RUNTIME_DIR).orElse(null))
                    .overloadAfter(c.get(DeviceKeys.QUEUE_OVERLOAD_AFTER))
                    .resultsQos(c.get(DeviceKeys.RESULTS_QOS))
                    .coap(coap(c))
                    .gpio(gpio(c))
                    .build();
        } catch (IllegalArgumentException e) {
            throw c.invalid(e);
        }
    }

    /** The {@code coap.*} keys. */
    private static CoapConfig coap(ConfigSource c) throws ConfigException {
        CoapConfig plain = new CoapConfig(c.get(DeviceKeys.COAP_ENABLED), c.get(DeviceKeys.COAP_BIND),
                c.get(DeviceKeys.COAP_PORT), java.util.Optional.empty());
        java.util.Optional<Path> psk = c.optional(DeviceKeys.COAP_DTLS_PSK_FILE);
        java.util.Optional<CoapConfig.X509> x509 = x509(c);
        if (psk.isEmpty() && x509.isEmpty()) {
            return plain;
        }
        return plain.withDtls(new CoapConfig.Dtls(psk, x509, c.get(DeviceKeys.COAP_DTLS_PORT),
                c.get(DeviceKeys.COAP_DTLS_ONLY), c.get(DeviceKeys.COAP_DTLS_MAX_CONNECTIONS)));
    }

    /** The {@code coap.dtls.*} certificate keys, when {@code coap.dtls.certificate} is set. */
    private static java.util.Optional<CoapConfig.X509> x509(ConfigSource c) throws ConfigException {
        java.util.Optional<Path> cert = c.optional(DeviceKeys.COAP_DTLS_CERTIFICATE);
        if (cert.isEmpty()) {
            return java.util.Optional.empty();
        }
        Path key = c.optional(DeviceKeys.COAP_DTLS_PRIVATE_KEY).orElseThrow(() -> new IllegalArgumentException(
                "coap.dtls.private-key: not set, but coap.dtls.certificate is; the certificate needs its key"));
        return java.util.Optional.of(new CoapConfig.X509(cert.get(), key, c.get(DeviceKeys.COAP_DTLS_CLIENT_AUTH),
                c.optional(DeviceKeys.COAP_DTLS_TRUST)));
    }

    /** Refuses a {@code coap.*} key the user set that does nothing with the other values. */
    private static void refuseInertCoap(ConfigSource c) throws ConfigException {
        if (!c.get(DeviceKeys.COAP_ENABLED)) {
            for (var k : DeviceKeys.COAP) {
                if (k != DeviceKeys.COAP_ENABLED) {
                    c.refuseIfSet(k, "coap.enabled is false; only coap.enabled=true reads it");
                }
            }
            return;
        }
        boolean certificate = c.optional(DeviceKeys.COAP_DTLS_CERTIFICATE).isPresent();
        if (!certificate) {
            String why = "coap.dtls.certificate is not set; only a certificate reads it";
            c.refuseIfSet(DeviceKeys.COAP_DTLS_PRIVATE_KEY, why);
            c.refuseIfSet(DeviceKeys.COAP_DTLS_CLIENT_AUTH, why);
            c.refuseIfSet(DeviceKeys.COAP_DTLS_TRUST, why);
        }
        if (c.optional(DeviceKeys.COAP_DTLS_PSK_FILE).isEmpty() && !certificate) {
            String why = "neither coap.dtls.psk-file nor coap.dtls.certificate is set, so there is no DTLS";
            c.refuseIfSet(DeviceKeys.COAP_DTLS_PORT, why);
            c.refuseIfSet(DeviceKeys.COAP_DTLS_ONLY, why);
            c.refuseIfSet(DeviceKeys.COAP_DTLS_MAX_CONNECTIONS, why);
        } else if (c.get(DeviceKeys.COAP_DTLS_ONLY)) {
            c.refuseIfSet(DeviceKeys.COAP_PORT, "coap.dtls.only is true, so the plain port is not opened");
        }
    }

    /** {@code policy} with {@code policy.discount}, {@code policy.window} or {@code policy.refocus} folded into its spec. */
    private static String policy(ConfigSource c) throws ConfigException {
        PolicySpec spec = PolicySpec.parse(c.get(DeviceKeys.POLICY));
        java.util.Optional<Double> gamma = c.optional(DeviceKeys.DISCOUNT);
        java.util.Optional<Integer> tau = c.optional(DeviceKeys.WINDOW);
        if (gamma.isPresent()) {
            spec = spec.withDiscount(gamma.get());
        }
        if (tau.isPresent()) {
            spec = spec.withWindow(tau.get());
        }
        java.util.Optional<Double> f = c.optional(DeviceKeys.REFOCUS);
        if (f.isPresent()) {
            spec = spec.withRefocus(f.get(), PolicySpec.DEFAULT_REFOCUS_PLAYS);
        }
        return spec.toString();
    }

    /** Refuses a key the user set that does nothing with the other values. */
    private static void refuseInert(ConfigSource c) throws ConfigException {
        refuseInertCoap(c);
        DeviceConfig.Cost.Mode mode = c.get(COST_MODE);
        if (mode == DeviceConfig.Cost.Mode.MEASURED) {
            String why = "cost.mode is measured, which reads the cost.weight.* keys; only cost.mode=paper reads it";
            c.refuseIfSet(LAMBDA, why);
            c.refuseIfSet(OFFLOAD_COST, why);
        } else {
            String why = "cost.mode is paper, which reads cost.lambda and cost.offload; only cost.mode=measured reads it";
            c.refuseIfSet(WEIGHT_DEVICE_MS, why);
            c.refuseIfSet(WEIGHT_LINK_MS, why);
            c.refuseIfSet(WEIGHT_MILLIJOULE, why);
        }
        refuseInertBoard(c);
        PolicySpec spec = PolicySpec.parse(c.get(DeviceKeys.POLICY));
        if (!spec.has(Characteristic.ADAPTIVE)) {
            c.refuseIfSet(DeviceKeys.UCB_C, "policy " + c.get(DeviceKeys.POLICY)
                    + " does not explore; only policy=splitee, splitee-s and splitee-s-paper read it");
        }
        for (io.splitee.config.ConfigKey<?> k : java.util.List.of(DeviceKeys.DISCOUNT, DeviceKeys.WINDOW)) {
            if (!spec.has(Characteristic.ADAPTIVE)) {
                c.refuseIfSet(k, "policy " + c.get(DeviceKeys.POLICY)
                        + " does not learn; only splitee, splitee-s and splitee-s-paper read it");
            }
            if (spec.discount() != 0 || spec.window() != 0 || spec.authorsInit()) {
                c.refuseIfSet(k, "policy " + c.get(DeviceKeys.POLICY) + " already sets its parameters; give them in one place");
            }
        }
        if (!spec.has(Characteristic.SIDE_OBSERVATIONS) || !spec.detects()) {
            c.refuseIfSet(DeviceKeys.REFOCUS, "policy " + c.get(DeviceKeys.POLICY) + " has no change detector with side "
                    + "observations; only splitee-s and splitee-s-paper with :detect=ph read it");
        }
        if (spec.refocuses()) {
            c.refuseIfSet(DeviceKeys.REFOCUS, "policy " + c.get(DeviceKeys.POLICY)
                    + " already sets its parameters; give them in one place");
        }
        if (c.optional(DeviceKeys.DISCOUNT).isPresent()) {
            c.refuseIfSet(DeviceKeys.WINDOW, "policy.discount is set too; a policy discounts or windows, not both");
        }
        if (!spec.has(Characteristic.RANDOMIZED)) {
            c.refuseIfSet(DeviceKeys.SEED, "policy " + c.get(DeviceKeys.POLICY)
                    + " draws no random numbers; only policy=random reads it");
        }
    }

    /** The {@code gpio.*} and {@code power.*} keys; {@link #refuseInert} has refused those that do nothing. */
    private static DeviceConfig.Gpio gpio(ConfigSource c) throws ConfigException {
        if (!c.get(DeviceKeys.GPIO_ENABLED)) {
            return DeviceConfig.Gpio.OFF;
        }
        boolean activeLow = c.get(DeviceKeys.LED_ACTIVE_LOW);
        Optional<DeviceConfig.Led> led = c.optional(DeviceKeys.LED_PIN).map(p -> new DeviceConfig.Led(List.of(p), activeLow))
                .or(() -> optional(c, DeviceKeys.LED_RGB).map(p -> new DeviceConfig.Led(p, activeLow)));
        Optional<DeviceConfig.Button> button = c.optional(DeviceKeys.BUTTON_PIN).map(p -> new DeviceConfig.Button(p,
                value(c, DeviceKeys.BUTTON_DEBOUNCE), value(c, DeviceKeys.BUTTON_LONG_PRESS)));
        Optional<DeviceConfig.Power> power = c.get(DeviceKeys.POWER_SENSOR) == DeviceConfig.Power.Sensor.NONE
                ? Optional.empty()
                : Optional.of(new DeviceConfig.Power(c.get(DeviceKeys.POWER_BUS), c.get(DeviceKeys.POWER_ADDRESS),
                        c.get(DeviceKeys.POWER_SHUNT_OHMS), c.get(DeviceKeys.POWER_MAX_CURRENT),
                        c.get(DeviceKeys.POWER_SAMPLE_INTERVAL)));
        return new DeviceConfig.Gpio(true, led, button, power);
    }

    /** A value that has a default (already parsed, so no error can come). */
    private static <T> T value(ConfigSource c, io.splitee.config.ConfigKey<T> key) {
        try {
            return c.get(key);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> Optional<T> optional(ConfigSource c, io.splitee.config.ConfigKey<T> key) {
        try {
            return c.optional(key);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The board's keys that do nothing: all of them without {@code gpio.enabled}, a part's options without the part. */
    private static void refuseInertBoard(ConfigSource c) throws ConfigException {
        if (!c.get(DeviceKeys.GPIO_ENABLED)) {
            for (io.splitee.config.ConfigKey<?> k : DeviceKeys.BOARD) {
                c.refuseIfSet(k, "gpio.enabled is false, and only the board (gpio.enabled=true) reads it");
            }
            return;
        }
        if (c.isSet(DeviceKeys.LED_PIN) && c.isSet(DeviceKeys.LED_RGB)) {
            c.refuseIfSet(DeviceKeys.LED_RGB, "gpio.led.pin is set too: a LED has one pin or three");
        }
        if (!c.isSet(DeviceKeys.LED_PIN) && !c.isSet(DeviceKeys.LED_RGB)) {
            c.refuseIfSet(DeviceKeys.LED_ACTIVE_LOW, "no LED is configured (gpio.led.pin or gpio.led.rgb)");
        }
        if (!c.isSet(DeviceKeys.BUTTON_PIN)) {
            String why = "no button is configured (gpio.button.pin)";
            c.refuseIfSet(DeviceKeys.BUTTON_DEBOUNCE, why);
            c.refuseIfSet(DeviceKeys.BUTTON_LONG_PRESS, why);
        }
        if (c.get(DeviceKeys.POWER_SENSOR) == DeviceConfig.Power.Sensor.NONE) {
            String why = "power.sensor is none";
            for (io.splitee.config.ConfigKey<?> k : List.of(DeviceKeys.POWER_BUS, DeviceKeys.POWER_ADDRESS,
                    DeviceKeys.POWER_SHUNT_OHMS, DeviceKeys.POWER_MAX_CURRENT, DeviceKeys.POWER_SAMPLE_INTERVAL)) {
                c.refuseIfSet(k, why);
            }
        }
    }

    /** The values of {@code config} as the program's own values under {@link #DEFAULTS}. */
    static ConfigSource source(DeviceConfig d) {
        DeviceConfig.PolicyConfig p = d.policy();
        DeviceConfig.Cost k = d.cost();
        DeviceConfig.Offload o = d.offload();
        ConfigSource s = d.mqtt().applyTo(DEFAULTS)
                .with(DeviceKeys.DEVICE_ID, d.deviceId())
                .with(DeviceKeys.MODEL_DIR, d.model().dir())
                .with(DeviceKeys.INTRA_OP_THREADS, d.model().intraOpThreads())
                .with(DeviceKeys.BOARD_SLOWDOWN, d.model().boardSlowdown())
                .with(DeviceKeys.POLICY, p.name())
                .with(DeviceKeys.THRESHOLD, p.threshold())
                .with(DeviceKeys.UCB_C, p.ucbC())
                .with(DeviceKeys.SEED, p.seed())
                .with(DeviceKeys.RAW_SAMPLE_ARM, p.rawSampleArm())
                .with(COST_MODE, k.mode())
                .with(LAMBDA, k.lambda())
                .with(OFFLOAD_COST, k.offloadCost())
                .with(WEIGHT_DEVICE_MS, k.perDeviceMs())
                .with(WEIGHT_LINK_MS, k.perLinkMs())
                .with(WEIGHT_MILLIJOULE, k.perMillijoule())
                .with(DeviceKeys.ENCODING, o.encoding())
                .with(DeviceKeys.DEFLATE, o.deflate())
                .with(DeviceKeys.DEADLINE, o.deadline())
                .with(DeviceKeys.FALLBACK, o.fallback())
                .with(DeviceKeys.MAX_PENDING, o.maxPending())
                .with(DeviceKeys.PROBE_INTERVAL, o.probeInterval())
                .with(DeviceKeys.PAYLOAD, o.payload())
                .with(DeviceKeys.QUEUE_SIZE, d.service().queueSize())
                .with(DeviceKeys.QUEUE_OVERLOAD_AFTER, d.service().overloadAfter())
                .with(DeviceKeys.RESULTS_QOS, d.service().resultsQos())
                .with(DeviceKeys.STATE_DIR, d.service().stateDir())
                .with(DeviceKeys.STATE_SAVE_INTERVAL, d.service().stateSaveInterval())
                .with(DeviceKeys.STATE_SAVE_EVERY, d.service().stateSaveEvery())
                .with(DeviceKeys.METRICS_PORT, d.service().metricsPort())
                .with(DeviceKeys.METRICS_BIND, d.service().metricsBind())
                .with(DeviceKeys.SHUTDOWN_GRACE, d.service().shutdownGrace())
                .with(DeviceKeys.COAP_ENABLED, d.coap().enabled())
                .with(DeviceKeys.COAP_BIND, d.coap().bind())
                .with(DeviceKeys.COAP_PORT, d.coap().port());
        if (o.replyKeyFile().isPresent()) {
            s = s.with(DeviceKeys.REPLY_KEY_FILE, o.replyKeyFile().get());
        }
        if (d.service().state().runtimeDir().isPresent()) {
            s = s.with(DeviceKeys.STATE_RUNTIME_DIR, d.service().state().runtimeDir().get());
        }
        if (d.coap().dtls().isPresent()) {
            CoapConfig.Dtls t = d.coap().dtls().get();
            if (t.pskFile().isPresent()) {
                s = s.with(DeviceKeys.COAP_DTLS_PSK_FILE, t.pskFile().get());
            }
            if (t.x509().isPresent()) {
                CoapConfig.X509 x = t.x509().get();
                s = s.with(DeviceKeys.COAP_DTLS_CERTIFICATE, x.certificate())
                        .with(DeviceKeys.COAP_DTLS_PRIVATE_KEY, x.privateKey())
                        .with(DeviceKeys.COAP_DTLS_CLIENT_AUTH, x.clientAuth());
                if (x.trust().isPresent()) {
                    s = s.with(DeviceKeys.COAP_DTLS_TRUST, x.trust().get());
                }
            }
            s = s.with(DeviceKeys.COAP_DTLS_PORT, t.port())
                    .with(DeviceKeys.COAP_DTLS_ONLY, t.only())
                    .with(DeviceKeys.COAP_DTLS_MAX_CONNECTIONS, t.maxConnections());
        }
        s = s.with(DeviceKeys.GPIO_ENABLED, d.gpio().enabled());
        return withBoard(s, d.gpio());
    }

    /** Every key's value as text, in documented order, unset optional keys omitted, secrets as {@code mask}. */
    static java.util.Map<String, String> describe(DeviceConfig d, String mask) {
        ConfigSource s = source(d);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (ConfigKey<?> k : s.keys()) {
            try {
                s.optional(k).ifPresent(v -> out.put(k.name(), SECRETS.contains(k.name()) ? mask : print(k, v)));
            } catch (ConfigException e) {
                throw new IllegalStateException("a built configuration always reads back: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Keys whose values are secrets (the DTLS keys are in their file, never in a key). */
    private static final java.util.Set<String> SECRETS = java.util.Set.of("mqtt.password");

    @SuppressWarnings("unchecked")
    private static <T> String print(ConfigKey<T> k, Object v) {
        return k.print((T) v);
    }

    private static ConfigSource withBoard(ConfigSource s, DeviceConfig.Gpio g) {
        if (g.led().isPresent()) {
            DeviceConfig.Led led = g.led().get();
            s = led.rgb() ? s.with(DeviceKeys.LED_RGB, led.pins()) : s.with(DeviceKeys.LED_PIN, led.pins().get(0));
            s = s.with(DeviceKeys.LED_ACTIVE_LOW, led.activeLow());
        }
        if (g.button().isPresent()) {
            DeviceConfig.Button b = g.button().get();
            s = s.with(DeviceKeys.BUTTON_PIN, b.pin()).with(DeviceKeys.BUTTON_DEBOUNCE, b.debounce())
                    .with(DeviceKeys.BUTTON_LONG_PRESS, b.longPress());
        }
        if (g.power().isPresent()) {
            DeviceConfig.Power p = g.power().get();
            s = s.with(DeviceKeys.POWER_SENSOR, DeviceConfig.Power.Sensor.INA219).with(DeviceKeys.POWER_BUS, p.bus())
                    .with(DeviceKeys.POWER_ADDRESS, p.address()).with(DeviceKeys.POWER_SHUNT_OHMS, p.shuntOhms())
                    .with(DeviceKeys.POWER_MAX_CURRENT, p.maxCurrent())
                    .with(DeviceKeys.POWER_SAMPLE_INTERVAL, p.sampleInterval());
        }
        return s;
    }
}
