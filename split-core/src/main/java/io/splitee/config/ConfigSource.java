package io.splitee.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program's configuration values, each with where it came from: the program's known keys and
 * their defaults, then (by {@link #resolve}) a properties file, environment variables and command-line
 * overrides, in increasing precedence. Immutable.
 *
 * <p>Rules: a key the program does not know is refused when it comes from the file or the command line
 * (the environment is only consulted for known keys); values are trimmed; an empty value counts as
 * unset. Every typed getter throws a {@link ConfigException} whose message starts with the key and says
 * what is wrong with the value and where it came from, e.g. {@code queue.size: 'ten' is not an integer
 * (from environment SPLITEE_QUEUE_SIZE)}.
 *
 * <p>The static {@code require*} methods are the checks the configuration records validate their
 * fields with, so their {@link IllegalArgumentException} messages start with the key as well;
 * {@link #invalid} turns such an exception into a {@link ConfigException} that adds the source.
 */
public final class ConfigSource {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private final String envPrefix;
    private final String keyList;
    private final Map<String, String> known;
    private final Map<String, String> values;
    private final Map<String, String> sources;

    private ConfigSource(String envPrefix, String keyList, Map<String, String> known, Map<String, String> values,
                         Map<String, String> sources) {
        this.envPrefix = envPrefix;
        this.keyList = keyList;
        this.known = known;
        this.values = values;
        this.sources = sources;
    }

    /**
     * The defaults of a program's keys.
     *
     * @param envPrefix the prefix of the environment variables, e.g. {@code SPLITEE_}
     * @param keyList   where the keys are documented, named in the error about an unknown key (e.g.
     *                  {@code device-runtime/splitee-device.example.properties})
     * @param keys      every key the program knows, in documented order, with its default ({@code null}:
     *                  no default)
     */
    public static ConfigSource of(String envPrefix, String keyList, Map<String, String> keys) {
        Objects.requireNonNull(envPrefix, "envPrefix");
        Objects.requireNonNull(keyList, "keyList");
        Map<String, String> known = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        known.forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
                sources.put(k, "default");
            }
        });
        return new ConfigSource(envPrefix, keyList, known, values, sources);
    }

    /**
     * These values with, on top, the file (if any), then the environment variables of the known keys
     * ({@link #envName}), then the overrides.
     *
     * @param file      properties file (UTF-8), or {@code null} for none
     * @param env       the environment (normally {@link System#getenv()})
     * @param overrides {@code key=value} pairs from the command line
     * @throws ConfigException when the file cannot be read or names an unknown key, or an override does
     */
    public ConfigSource resolve(Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        ConfigSource c = new ConfigSource(envPrefix, keyList, known, new LinkedHashMap<>(values),
                new LinkedHashMap<>(sources));
        if (file != null) {
            c.readFile(file);
        }
        for (String key : known.keySet()) {
            String var = envName(key);
            String v = env.get(var);
            if (v != null) {
                c.values.put(key, v.trim());
                c.sources.put(key, "environment " + var);
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            c.put(e.getKey(), e.getValue(), "command line");
        }
        return c;
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
        if (!known.containsKey(key)) {
            throw new ConfigException(key, "unknown key (from " + source + "); known keys are listed in " + keyList);
        }
        values.put(key, value == null ? "" : value.trim());
        sources.put(key, source);
    }

    /** Every key the program knows, in documented order. */
    public List<String> keys() {
        return List.copyOf(known.keySet());
    }

    /** The environment variable that overrides {@code key}: the prefix, then the key upper-cased with {@code .} and {@code -} as {@code _}. */
    public String envName(String key) {
        return envPrefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The value of a key that must be set.
     *
     * @throws ConfigException when it is unset or empty, saying how to set it
     */
    public String required(String key) throws ConfigException {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new ConfigException(key, "missing; set it in the configuration file, as " + envName(key)
                    + " or with --set " + key + "=...");
        }
        return v;
    }

    /** The value of a key, empty when it is unset or empty. */
    public Optional<String> optional(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /**
     * An error about the value of {@code key}: {@code key: '<value>' <what> (from <source>)}.
     *
     * @param what what is wrong with it, e.g. {@code is not an integer}
     */
    public ConfigException bad(String key, String what) {
        return new ConfigException(key, "'" + values.get(key) + "' " + what + " (from " + sources.get(key) + ")");
    }

    /**
     * A record's validation error as a configuration error: the message, and where the key it starts
     * with ({@code key: ...}) came from.
     */
    public ConfigException invalid(IllegalArgumentException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        int colon = msg.indexOf(':');
        String key = colon > 0 ? msg.substring(0, colon) : null;
        String source = key == null ? null : sources.get(key);
        return new ConfigException(null, msg + (source == null ? "" : " (from " + source + ")"));
    }

    /** A required whole number that fits an {@code int}. */
    public int integer(String key) throws ConfigException {
        long v = longInteger(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw bad(key, "is out of range");
        }
        return (int) v;
    }

    /** A required whole number. */
    public long longInteger(String key) throws ConfigException {
        try {
            return Long.parseLong(required(key));
        } catch (NumberFormatException e) {
            throw bad(key, "is not an integer");
        }
    }

    /** A required finite number. */
    public double number(String key) throws ConfigException {
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

    /** A required {@code true}/{@code yes}/{@code on} or {@code false}/{@code no}/{@code off}, any case. */
    public boolean bool(String key) throws ConfigException {
        String v = required(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad(key, "is not true or false");
        };
    }

    /** A required enum constant, written in any case with {@code -} for {@code _} ({@code int8-channel}). */
    public <E extends Enum<E>> E enumOf(String key, Class<E> type) throws ConfigException {
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

    /** A required URI. */
    public URI uri(String key) throws ConfigException {
        try {
            return new URI(required(key));
        } catch (URISyntaxException e) {
            throw bad(key, "is not a URI: " + e.getReason());
        }
    }

    /** A required duration in either spelling of {@link #parseDuration}. */
    public Duration duration(String key) throws ConfigException {
        Duration d = parseDuration(required(key));
        if (d == null) {
            throw bad(key, "is not a duration (examples: 500ms, 10s, 5m, 1h, PT0.5S)");
        }
        return d;
    }

    /** A required file system path. */
    public Path path(String key) throws ConfigException {
        return toPath(key, required(key));
    }

    /** An optional file system path. */
    public Optional<Path> optionalPath(String key) throws ConfigException {
        Optional<String> v = optional(key);
        return v.isEmpty() ? Optional.empty() : Optional.of(toPath(key, v.get()));
    }

    /**
     * A required comma-separated list of paths, each trimmed.
     *
     * @param what what the entries are, for the error about an empty entry (e.g. {@code model package directories})
     */
    public List<Path> paths(String key, String what) throws ConfigException {
        List<Path> out = new ArrayList<>();
        for (String part : required(key).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw bad(key, "has an empty entry (a comma-separated list of " + what + ")");
            }
            try {
                out.add(Path.of(p));
            } catch (InvalidPathException e) {
                throw bad(key, "has an invalid path '" + p + "': " + e.getReason());
            }
        }
        return out;
    }

    private Path toPath(String key, String v) throws ConfigException {
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw bad(key, "is not a valid path: " + e.getReason());
        }
    }

    /**
     * Parses {@code 500ms}, {@code 1.5s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT0.5S}).
     *
     * @return the duration, or {@code null} if {@code v} is in neither spelling
     */
    public static Duration parseDuration(String v) {
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

    /**
     * Checks that {@code v} is in {@code [min, max]}.
     *
     * @throws IllegalArgumentException {@code key: v is outside [min, max]}
     */
    public static void requireRange(String key, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + ": " + v + " is outside [" + min + ", " + max + "]");
        }
    }

    /**
     * Checks that {@code d} is set and longer than zero.
     *
     * @throws NullPointerException naming the key when {@code d} is null
     * @throws IllegalArgumentException {@code key: d must be positive}
     */
    public static void requirePositive(String key, Duration d) {
        Objects.requireNonNull(d, key);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + ": " + d + " must be positive");
        }
    }

    /**
     * Checks that {@code v} is a finite number and not negative.
     *
     * @throws IllegalArgumentException {@code key: v must be a finite number ≥ 0}
     */
    public static void requireNonNegative(String key, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(key + ": " + v + " must be a finite number ≥ 0");
        }
    }
}
