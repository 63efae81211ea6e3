package io.splitee.config;

import io.splitee.wire.Ids;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one definition of a configuration key, in the manner of Eclipse Californium's configuration
 * definitions: its name, its type (how a value is parsed and printed), its default, the values it
 * allows and one line of documentation. A program lists its keys once; {@link ConfigSource} reads and
 * validates values by them, the configuration records check their fields with {@link #check}, and the
 * example files and the key tables in the docs are checked against them. Immutable.
 *
 * <p>A key is <em>required</em> (no default: the program does not start without it), <em>optional</em>
 * (no default, may stay unset) or has a default.
 *
 * @param <T> the type of the value
 */
public final class ConfigKey<T> {

    /** Parses a trimmed, non-empty text; throws {@link IllegalArgumentException} saying what is wrong ("is not an integer"). */
    interface Parser<T> {
        T parse(String text);
    }

    private final String name;
    private final String doc;
    private final Parser<T> parser;
    private final Function<T, String> printer;
    private final T defaultValue;
    private final boolean optional;
    private final Predicate<T> allowed;
    private final String allowedText;

    private ConfigKey(String name, String doc, Parser<T> parser, Function<T, String> printer, T defaultValue,
                      boolean optional, Predicate<T> allowed, String allowedText) {
        this.name = Objects.requireNonNull(name, "name");
        this.doc = Objects.requireNonNull(doc, "doc");
        this.parser = parser;
        this.printer = printer;
        this.defaultValue = defaultValue;
        this.optional = optional;
        this.allowed = allowed;
        this.allowedText = allowedText;
        if (defaultValue != null) {
            check(defaultValue);
        }
    }

    private static <T> ConfigKey<T> of(String name, T defaultValue, String doc, Parser<T> parser,
                                       Function<T, String> printer) {
        return new ConfigKey<>(name, doc, parser, printer, defaultValue, false, v -> true, null);
    }

    /** A text key. */
    public static ConfigKey<String> text(String name, String defaultValue, String doc) {
        return of(name, defaultValue, doc, s -> s, s -> s);
    }

    /** A whole number in {@code [min, max]}. */
    public static ConfigKey<Integer> integer(String name, Integer defaultValue, int min, int max, String doc) {
        return of(name, (Integer) null, doc, ConfigKey::parseInt, String::valueOf)
                .allowing(v -> v >= min && v <= max, "is outside [" + min + ", " + max + "]")
                .withDefault(defaultValue);
    }

    /** A whole number of the {@code long} range. */
    public static ConfigKey<Long> longInteger(String name, Long defaultValue, String doc) {
        return of(name, defaultValue, doc, s -> {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not an integer");
            }
        }, String::valueOf);
    }

    /** A finite number, at least 0. */
    public static ConfigKey<Double> nonNegative(String name, Double defaultValue, String doc) {
        return of(name, (Double) null, doc, ConfigKey::parseDouble, ConfigKey::printDouble)
                .allowing(v -> v >= 0, "must be a finite number ≥ 0")
                .withDefault(defaultValue);
    }

    /** A finite number with the given check (e.g. {@code (0, 1]}). */
    public static ConfigKey<Double> number(String name, Double defaultValue, Predicate<Double> allowed,
                                           String allowedText, String doc) {
        return of(name, (Double) null, doc, ConfigKey::parseDouble, ConfigKey::printDouble)
                .allowing(allowed, allowedText)
                .withDefault(defaultValue);
    }

    /** {@code true}/{@code yes}/{@code on} or {@code false}/{@code no}/{@code off}, any case; printed {@code true}/{@code false}. */
    public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String doc) {
        return of(name, defaultValue, doc, s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("is not true or false");
        }, String::valueOf);
    }

    /**
     * A duration: {@code 500ms}, {@code 1.5s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT0.5S}), at least 0.
     * Printed in the shortest of those units that is exact.
     */
    public static ConfigKey<Duration> duration(String name, Duration defaultValue, String doc) {
        return of(name, (Duration) null, doc, s -> {
            Duration d = ConfigSource.parseDuration(s);
            if (d == null) {
                throw new IllegalArgumentException("is not a duration (examples: 500ms, 10s, 5m, 1h, PT0.5S)");
            }
            return d;
        }, ConfigKey::printDuration).allowing(d -> !d.isNegative(), "must not be negative").withDefault(defaultValue);
    }

    /**
     * An enum constant, written in any case with {@code -} for {@code _}; printed in lower case with {@code -}
     * ({@code int8-channel} for {@code INT8_CHANNEL}).
     */
    public static <E extends Enum<E>> ConfigKey<E> enumOf(String name, Class<E> type, E defaultValue, String doc) {
        StringBuilder names = new StringBuilder();
        for (E c : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : ", ").append(printEnum(c));
        }
        return of(name, defaultValue, doc, s -> {
            try {
                return Enum.valueOf(type, s.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("is not one of " + names);
            }
        }, ConfigKey::printEnum);
    }

    /**
     * A key whose values another type parses and prints (an encoding, a policy spec).
     *
     * @param parse throws {@link IllegalArgumentException} whose message says what is wrong with the text
     */
    public static <T> ConfigKey<T> parsed(String name, T defaultValue, Function<String, T> parse,
                                          Function<T, String> print, String doc) {
        Objects.requireNonNull(parse, "parse");
        return of(name, defaultValue, doc, parse::apply, print);
    }

    /**
     * A name as {@link io.splitee.wire.Ids#nameProblem} checks it (a device id, a gateway id, a group): 1..64
     * characters of {@code [A-Za-z0-9._-]}, one MQTT topic level.
     *
     * @param what what the name names, for the message ({@code a device id is 1..64 characters ...})
     */
    public static ConfigKey<String> name(String name, String defaultValue, String what, String doc) {
        return parsed(name, defaultValue, id -> {
            Ids.nameProblem(id).ifPresent(p -> {
                throw new IllegalArgumentException(p + " (" + what + " is 1.." + Ids.MAX_ID_BYTES
                        + " characters of [A-Za-z0-9._-])");
            });
            return id;
        }, s -> s, doc);
    }

    /** A URI. */
    public static ConfigKey<URI> uri(String name, URI defaultValue, String doc) {
        return of(name, defaultValue, doc, s -> {
            try {
                return new URI(s);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("is not a URI: " + e.getReason());
            }
        }, URI::toString);
    }

    /**
     * One program's keys in documented order, from its parts (its id, the shared broker keys, its own keys).
     */
    @SafeVarargs
    public static List<ConfigKey<?>> listOf(List<? extends ConfigKey<?>>... parts) {
        List<ConfigKey<?>> all = new ArrayList<>();
        for (List<? extends ConfigKey<?>> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }

    /** A file system path. */
    public static ConfigKey<Path> path(String name, Path defaultValue, String doc) {
        return of(name, defaultValue, doc, s -> {
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("is not a valid path: " + e.getReason());
            }
        }, Path::toString);
    }

    /** A comma-separated list of paths, each trimmed, at least one. */
    public static ConfigKey<List<Path>> paths(String name, String what, String doc) {
        return of(name, null, doc, s -> {
            List<Path> out = new ArrayList<>();
            for (String part : s.split(",", -1)) {
                String p = part.trim();
                if (p.isEmpty()) {
                    throw new IllegalArgumentException("has an empty entry (a comma-separated list of " + what + ")");
                }
                try {
                    out.add(Path.of(p));
                } catch (InvalidPathException e) {
                    throw new IllegalArgumentException("has an invalid path '" + p + "': " + e.getReason());
                }
            }
            return List.copyOf(out);
        }, l -> String.join(",", l.stream().map(Path::toString).toList()));
    }

    /** This key with another default ({@code null}: required). */
    public ConfigKey<T> withDefault(T value) {
        return new ConfigKey<>(name, doc, parser, printer, value, false, allowed, allowedText);
    }

    /** This key without a default, allowed to stay unset. */
    public ConfigKey<T> asOptional() {
        return new ConfigKey<>(name, doc, parser, printer, null, true, allowed, allowedText);
    }

    /** This key, also requiring {@code test} of every value ({@code what}: the message when it fails, e.g. {@code is outside (0, 1]}). */
    public ConfigKey<T> allowing(Predicate<T> test, String what) {
        Objects.requireNonNull(test, "test");
        Predicate<T> both = allowed.and(test);
        String text = allowedText == null ? what : allowedText + "; " + what;
        return new ConfigKey<>(name, doc, parser, printer, defaultValue, optional, both, text);
    }

    /** The key's name, e.g. {@code queue.size}. */
    public String name() {
        return name;
    }

    /** One line of documentation. */
    public String doc() {
        return doc;
    }

    /** The default, empty for a required or optional key. */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** Whether the program needs a value: no default and not optional. */
    public boolean required() {
        return defaultValue == null && !optional;
    }

    /** The default as the configuration file writes it; empty for a required or optional key. */
    public String defaultText() {
        return defaultValue == null ? "" : printer.apply(defaultValue);
    }

    /** A value as the configuration file writes it. */
    public String print(T value) {
        return printer.apply(value);
    }

    /**
     * Checks a value a record is built with.
     *
     * @return {@code value}
     * @throws NullPointerException naming the key when {@code value} is null
     * @throws IllegalArgumentException {@code key: <value> <what is wrong>}
     */
    public T check(T value) {
        Objects.requireNonNull(value, name);
        if (!allowed.test(value)) {
            throw new IllegalArgumentException(name + ": " + show(value) + " " + allowedText);
        }
        return value;
    }

    /** Parses and checks a trimmed, non-empty text; the message says what is wrong, without the key. */
    T parse(String text) {
        T v = parser.parse(text);
        if (!allowed.test(v)) {
            throw new IllegalArgumentException(allowedText);
        }
        return v;
    }

    private String show(T value) {
        return value instanceof Duration || value instanceof Enum<?> ? printer.apply(value) : String.valueOf(value);
    }

    @Override
    public String toString() {
        return name;
    }

    private static Integer parseInt(String s) {
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not an integer");
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("is out of range");
        }
        return (int) v;
    }

    private static Double parseDouble(String s) {
        double d;
        try {
            d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a number");
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("is not a finite number");
        }
        return d;
    }

    /** {@code 0.5}, {@code 1}, {@code 0.01}: the shortest decimal that reads back as the same double. */
    static String printDouble(Double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    static String printDuration(Duration d) {
        long ms = d.toMillis();
        if (!Duration.ofMillis(ms).equals(d)) {
            return d.toString();
        }
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static String printEnum(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
