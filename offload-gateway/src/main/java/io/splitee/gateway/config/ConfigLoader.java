package io.splitee.gateway.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves keys from defaults, file, environment and overrides, and parses them into a {@link GatewayConfig}. */
final class ConfigLoader {
    /** Every key the gateway knows, with its default ({@code null}: no default). Order is the documented order. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("gateway.id", null);
        KEYS.put("mqtt.uri", "tcp://localhost:1883");
        KEYS.put("mqtt.username", "");
        KEYS.put("mqtt.password", "");
        KEYS.put("mqtt.password-file", "");
        KEYS.put("mqtt.tls.ca", "");
        KEYS.put("mqtt.tls.cert", "");
        KEYS.put("mqtt.tls.key", "");
        KEYS.put("mqtt.shared-group", "gateways");
        KEYS.put("mqtt.session-expiry", "5m");
        KEYS.put("mqtt.keep-alive", "30s");
        KEYS.put("mqtt.max-in-flight", "64");
        KEYS.put("mqtt.receive-maximum", "1024");
        KEYS.put("mqtt.reconnect-min", "1s");
        KEYS.put("mqtt.reconnect-max", "30s");
        KEYS.put("models", null);
        KEYS.put("runtime.intra-op-threads", "1");
        KEYS.put("workers", "2");
        KEYS.put("queue.size", "256");
        KEYS.put("batch.max-size", "16");
        KEYS.put("batch.max-wait", "2ms");
        KEYS.put("frame.max-bytes", "262144");
        KEYS.put("metrics.port", "0");
        KEYS.put("shutdown.grace", "10s");
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private ConfigLoader() {
    }

    static GatewayConfig load(Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
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
        return "SPLITEE_GW_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
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
                    + "offload-gateway/splitee-gateway.example.properties");
        }
        values.put(key, value == null ? "" : value.trim());
        sources.put(key, source);
    }

    private GatewayConfig build() throws ConfigException {
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
            GatewayConfig.Mqtt mqtt = new GatewayConfig.Mqtt(uri("mqtt.uri"), opt("mqtt.username"), password,
                    opt("mqtt.tls.ca").map(Path::of), opt("mqtt.tls.cert").map(Path::of),
                    opt("mqtt.tls.key").map(Path::of), required("mqtt.shared-group"),
                    duration("mqtt.session-expiry"), duration("mqtt.keep-alive"), integer("mqtt.max-in-flight"),
                    integer("mqtt.receive-maximum"), duration("mqtt.reconnect-min"), duration("mqtt.reconnect-max"));
            GatewayConfig.Batch batch = new GatewayConfig.Batch(integer("batch.max-size"), duration("batch.max-wait"));
            return new GatewayConfig(required("gateway.id"), mqtt, paths("models"),
                    integer("runtime.intra-op-threads"), integer("workers"), integer("queue.size"), batch,
                    integer("frame.max-bytes"), integer("metrics.port"), duration("shutdown.grace"));
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

    private List<Path> paths(String key) throws ConfigException {
        List<Path> out = new ArrayList<>();
        for (String part : required(key).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw bad(key, "has an empty entry (a comma-separated list of model package directories)");
            }
            try {
                out.add(Path.of(p));
            } catch (java.nio.file.InvalidPathException e) {
                throw bad(key, "has an invalid path '" + p + "': " + e.getReason());
            }
        }
        return out;
    }

    private int integer(String key) throws ConfigException {
        long v;
        try {
            v = Long.parseLong(required(key));
        } catch (NumberFormatException e) {
            throw bad(key, "is not an integer");
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw bad(key, "is out of range");
        }
        return (int) v;
    }

    private URI uri(String key) throws ConfigException {
        try {
            return new URI(required(key));
        } catch (URISyntaxException e) {
            throw bad(key, "is not a URI: " + e.getReason());
        }
    }

    private Duration duration(String key) throws ConfigException {
        Duration d = parseDuration(required(key));
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
