package io.splitee.device.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves keys from defaults, file, environment and overrides, and parses them into a {@link DeviceConfig}. */
final class ConfigLoader {
    /** Every key the daemon knows, with its default ({@code null}: no default). Order is the documented order. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("device.id", null);
        KEYS.put("mqtt.uri", "tcp://localhost:1883");
        KEYS.put("mqtt.username", "");
        KEYS.put("mqtt.password", "");
        KEYS.put("mqtt.password-file", "");
        KEYS.put("mqtt.tls.ca", "");
        KEYS.put("mqtt.tls.cert", "");
        KEYS.put("mqtt.tls.key", "");
        KEYS.put("mqtt.session-expiry", "1h");
        KEYS.put("mqtt.keep-alive", "30s");
        KEYS.put("mqtt.max-in-flight", "32");
        KEYS.put("mqtt.reconnect-min", "1s");
        KEYS.put("mqtt.reconnect-max", "30s");
        KEYS.put("model.dir", null);
        KEYS.put("runtime.intra-op-threads", "2");
        KEYS.put("policy", "splitee");
        KEYS.put("policy.threshold", "0.8");
        KEYS.put("policy.ucb-c", "1.0");
        KEYS.put("policy.seed", "1");
        KEYS.put("policy.raw-sample-arm", "false");
        KEYS.put("cost.mode", "measured");
        KEYS.put("cost.lambda", "0.01");
        KEYS.put("cost.offload", "0.3");
        KEYS.put("cost.weight.device-ms", "0.01");
        KEYS.put("cost.weight.link-ms", "0.01");
        KEYS.put("cost.weight.millijoule", "0");
        KEYS.put("offload.encoding", "fp16");
        KEYS.put("offload.deflate", "false");
        KEYS.put("offload.deadline", "500ms");
        KEYS.put("offload.fallback", "complete");
        KEYS.put("offload.max-pending", "64");
        KEYS.put("offload.probe-interval", "10s");
        KEYS.put("offload.payload", "auto");
        KEYS.put("queue.size", "64");
        KEYS.put("state.dir", "/var/lib/splitee");
        KEYS.put("state.save-interval", "30s");
        KEYS.put("metrics.port", "0");
        KEYS.put("shutdown.grace", "10s");
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private ConfigLoader() {
    }

    static DeviceConfig load(Path file, Map<String, String> env, Map<String, String> overrides) throws ConfigException {
        ConfigLoader l = new ConfigLoader();
        KEYS.forEach((k, v) -> {
            if (v != null) {
                l.values.put(k, v);
                l.sources.put(k, "default");
            }
        });
        if (file != null) {
            l.readFile(file);
        }
        for (String key : KEYS.keySet()) {
            String var = envName(key);
            String v = env.get(var);
            if (v != null) {
                l.values.put(key, v.trim());
                l.sources.put(key, "environment " + var);
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            l.put(e.getKey(), e.getValue(), "command line");
        }
        return l.build();
    }

    /** The environment variable that overrides {@code key}. */
    static String envName(String key) {
        return "SPLITEE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private void readFile(Path file) throws ConfigException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(null, "cannot read configuration file " + file + ": " + e.getMessage());
        }
        for (String key : p.stringPropertyNames()) {
            put(key, p.getProperty(key), "file " + file);
        }
    }

    private void put(String key, String value, String source) throws ConfigException {
        if (!KEYS.containsKey(key)) {
            throw new ConfigException(key, "unknown key (from " + source + "); known keys are listed in "
                    + "device-runtime/splitee-device.example.properties");
        }
        values.put(key, value.trim());
        sources.put(key, source);
    }

    private DeviceConfig build() throws ConfigException {
        try {
            Optional<String> password = opt("mqtt.password");
            Optional<String> passwordFile = opt("mqtt.password-file");
            if (password.isPresent() && passwordFile.isPresent()) {
                throw new ConfigException("mqtt.password-file", "set together with mqtt.password; choose one");
            }
            if (passwordFile.isPresent()) {
                Path pf = Path.of(passwordFile.get());
                try {
                    password = Optional.of(Files.readString(pf, StandardCharsets.UTF_8).strip());
                } catch (IOException e) {
                    throw new ConfigException("mqtt.password-file", "cannot read " + pf + ": " + e);
                }
            }
            DeviceConfig.Mqtt mqtt = new DeviceConfig.Mqtt(uri("mqtt.uri"), opt("mqtt.username"), password,
                    opt("mqtt.tls.ca").map(Path::of), opt("mqtt.tls.cert").map(Path::of),
                    opt("mqtt.tls.key").map(Path::of), duration("mqtt.session-expiry"), duration("mqtt.keep-alive"),
                    integer("mqtt.max-in-flight"), duration("mqtt.reconnect-min"), duration("mqtt.reconnect-max"));
            DeviceConfig.PolicyConfig policy = new DeviceConfig.PolicyConfig(required("policy"),
                    number("policy.threshold"), number("policy.ucb-c"), (long) integerLong("policy.seed"),
                    bool("policy.raw-sample-arm"));
            DeviceConfig.Cost cost = new DeviceConfig.Cost(enumOf("cost.mode", DeviceConfig.Cost.Mode.class),
                    number("cost.lambda"), number("cost.offload"), number("cost.weight.device-ms"),
                    number("cost.weight.link-ms"), number("cost.weight.millijoule"));
            DeviceConfig.Offload offload = new DeviceConfig.Offload(required("offload.encoding"),
                    bool("offload.deflate"), duration("offload.deadline"),
                    enumOf("offload.fallback", DeviceConfig.Offload.Fallback.class), integer("offload.max-pending"),
                    duration("offload.probe-interval"), enumOf("offload.payload", io.splitee.device.cost.MeasuredCosts.PayloadRule.class));
            return new DeviceConfig(required("device.id"), mqtt, Path.of(required("model.dir")),
                    integer("runtime.intra-op-threads"), policy, cost, offload, integer("queue.size"),
                    Path.of(required("state.dir")), duration("state.save-interval"), integer("metrics.port"),
                    duration("shutdown.grace"));
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            int colon = msg.indexOf(':');
            String key = colon > 0 ? msg.substring(0, colon) : null;
            String source = key == null ? null : sources.get(key);
            throw new ConfigException(null, msg + (source == null ? "" : " (from " + source + ")"));
        }
    }

    private String required(String key) throws ConfigException {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new ConfigException(key, "missing; set it in the configuration file, as " + envName(key)
                    + " or with --set " + key + "=...");
        }
        return v;
    }

    private Optional<String> opt(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    private ConfigException bad(String key, String what) {
        return new ConfigException(key, "'" + values.get(key) + "' " + what + " (from " + sources.get(key) + ")");
    }

    private int integer(String key) throws ConfigException {
        long v = integerLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw bad(key, "is out of range");
        }
        return (int) v;
    }

    private long integerLong(String key) throws ConfigException {
        try {
            return Long.parseLong(required(key));
        } catch (NumberFormatException e) {
            throw bad(key, "is not an integer");
        }
    }

    private double number(String key) throws ConfigException {
        try {
            double d = Double.parseDouble(required(key));
            if (!Double.isFinite(d)) {
                throw bad(key, "is not a finite number");
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(key, "is not a number");
        }
    }

    private boolean bool(String key) throws ConfigException {
        String v = required(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad(key, "is not true or false");
        };
    }

    private <E extends Enum<E>> E enumOf(String key, Class<E> type) throws ConfigException {
        String v = required(key);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw bad(key, "is not one of " + allowed);
        }
    }

    private URI uri(String key) throws ConfigException {
        try {
            return new URI(required(key));
        } catch (URISyntaxException e) {
            throw bad(key, "is not a URI: " + e.getReason());
        }
    }

    private Duration duration(String key) throws ConfigException {
        String v = required(key);
        Duration d = parseDuration(v);
        if (d == null) {
            throw bad(key, "is not a duration (examples: 500ms, 10s, 5m, 1h, PT0.5S)");
        }
        return d;
    }

    /** Parses {@code 500ms}, {@code 1.5s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT0.5S}); {@code null} if neither. */
    static Duration parseDuration(String v) {
        Matcher m = SIMPLE_DURATION.matcher(v.trim());
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            double nanosPer = switch (m.group(2)) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            return Duration.ofNanos(Math.round(n * nanosPer));
        }
        try {
            return Duration.parse(v.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
