package io.splitee.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
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
 * A program's configuration values, each with where it came from: the program's keys (each defined
 * once, by a {@link ConfigKey}) with their defaults, then (by {@link #resolve}) a properties file,
 * environment variables and command-line overrides, in increasing precedence. Immutable.
 *
 * <p>Rules: a key the program does not know is refused when it comes from the file or the command line
 * (the environment is only consulted for known keys); values are trimmed; an empty value counts as
 * unset. Every value is parsed and checked by its key's definition when it is resolved, so a bad value
 * stops the program before anything starts, with a {@link ConfigException} whose message starts with
 * the key and says what is wrong with the value and where it came from, e.g. {@code queue.size: 'ten'
 * is not an integer (from environment SPLITEE_QUEUE_SIZE)}. {@link #isSet} tells a value the user gave
 * from a default, so that a program can refuse a key that does nothing in the mode it runs in
 * ({@link #refuseIfSet}).
 */
public final class ConfigSource {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
    private static final String DEFAULT = "default";
    private static final String PROGRAM = "the program";

    private final String envPrefix;
    private final String keyList;
    private final Map<String, ConfigKey<?>> known;
    private final Map<String, String> values;
    private final Map<String, String> sources;

    private ConfigSource(String envPrefix, String keyList, Map<String, ConfigKey<?>> known, Map<String, String> values,
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
     * @param keys      every key the program knows, in documented order; a later key of the same name
     *                  replaces an earlier one in place (a program's own default for a shared key)
     */
    public static ConfigSource of(String envPrefix, String keyList, List<ConfigKey<?>> keys) {
        Objects.requireNonNull(envPrefix, "envPrefix");
        Objects.requireNonNull(keyList, "keyList");
        Map<String, ConfigKey<?>> known = new LinkedHashMap<>();
        for (ConfigKey<?> k : keys) {
            known.put(k.name(), k);
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        known.values().forEach(k -> {
            if (k.defaultValue().isPresent()) {
                values.put(k.name(), k.defaultText());
                sources.put(k.name(), DEFAULT);
            }
        });
        return new ConfigSource(envPrefix, keyList, Collections.unmodifiableMap(known), values, sources);
    }

    /**
     * These values with {@code key} set to {@code value} by the program itself (the demo building a device's
     * configuration): it counts as a default for {@link #isSet}, and the file, the environment and the
     * overrides of {@link #resolve} still win over it.
     */
    public <T> ConfigSource with(ConfigKey<T> key, T value) {
        ConfigKey<?> k = definition(key.name());
        ConfigSource c = copy();
        c.values.put(k.name(), key.print(value));
        c.sources.put(k.name(), PROGRAM);
        return c;
    }

    private ConfigSource copy() {
        return new ConfigSource(envPrefix, keyList, known, new LinkedHashMap<>(values), new LinkedHashMap<>(sources));
    }

    /**
     * These values with, on top, the file (if any), then the environment variables of the known keys
     * ({@link #envName}), then the overrides; every value is then parsed and checked by its key.
     *
     * @param file      properties file (UTF-8), or {@code null} for none
     * @param env       the environment (normally {@link System#getenv()})
     * @param overrides {@code key=value} pairs from the command line
     * @throws ConfigException when the file cannot be read, a key is unknown or a value is invalid
     */
    public ConfigSource resolve(Path file, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        ConfigSource c = copy();
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
        for (ConfigKey<?> k : known.values()) {
            c.parsed(k);
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
    public List<ConfigKey<?>> keys() {
        return List.copyOf(known.values());
    }

    /** The environment variable that overrides {@code key}: the prefix, then the key upper-cased with {@code .} and {@code -} as {@code _}. */
    public String envName(String key) {
        return envPrefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private ConfigKey<?> definition(String name) {
        ConfigKey<?> k = known.get(name);
        if (k == null) {
            throw new IllegalArgumentException(name + ": not a key of this program");
        }
        return k;
    }

    /** The parsed value, or null when unset. */
    private Object parsed(ConfigKey<?> k) throws ConfigException {
        String v = values.get(k.name());
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return k.parse(v);
        } catch (IllegalArgumentException e) {
            throw bad(k.name(), e.getMessage());
        }
    }

    /**
     * The value of a key that must have one (its default, or what the user set).
     *
     * @throws ConfigException when it is unset or empty, saying how to set it
     * @throws IllegalArgumentException when the program does not know the key
     */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) throws ConfigException {
        Object v = parsed(definition(key.name()));
        if (v == null) {
            throw new ConfigException(key.name(), "missing; set it in the configuration file, as "
                    + envName(key.name()) + " or with --set " + key.name() + "=...");
        }
        return (T) v;
    }

    /** The value of a key, empty when it is unset or empty. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> optional(ConfigKey<T> key) throws ConfigException {
        return Optional.ofNullable((T) parsed(definition(key.name())));
    }

    /** Whether the user set the key (in the file, the environment or on the command line), as opposed to a default. */
    public boolean isSet(ConfigKey<?> key) {
        String source = sources.get(definition(key.name()).name());
        return source != null && !source.equals(DEFAULT) && !source.equals(PROGRAM);
    }

    /**
     * Refuses a key the user set that does nothing in the mode the program runs in.
     *
     * @param why why it does nothing, e.g. {@code cost.mode is measured: only cost.mode=paper reads it}
     * @throws ConfigException {@code key: set (from <source>) but <why>}
     */
    public void refuseIfSet(ConfigKey<?> key, String why) throws ConfigException {
        if (isSet(key)) {
            throw new ConfigException(key.name(), "set (from " + sources.get(key.name()) + ") but " + why);
        }
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
        String tail = source == null ? "" : " (from " + source + ")";
        return known.containsKey(key) ? new ConfigException(key, msg.substring(colon + 1).strip() + tail)
                : new ConfigException(null, msg + tail);
    }

    /**
     * The keys as a Markdown table ({@code | key | default | meaning |}), as the docs show them: the
     * default is {@code (required)} for a required key and {@code (unset)} for an optional one.
     */
    public String markdownTable() {
        StringBuilder b = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (ConfigKey<?> k : known.values()) {
            String def = k.required() ? "(required)" : k.defaultValue().isEmpty() ? "(unset)" : "`" + k.defaultText() + "`";
            b.append("| `").append(k.name()).append("` | ").append(def).append(" | ")
                    .append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
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
}
