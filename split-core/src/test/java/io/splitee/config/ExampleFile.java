package io.splitee.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a program's shipped example configuration file and the key table of its documentation against
 * the program's key definitions (device, gateway): a test fails when they drift apart.
 */
public final class ExampleFile {
    /** A key shown but not set ({@code #cost.lambda=0.01}): it does nothing in the example's mode. */
    private static final Pattern SHOWN = Pattern.compile("^#([a-z][a-z0-9.-]*)=(.*)$", Pattern.MULTILINE);
    private static final String TABLE_START = "<!-- keys: generated from the key definitions; a test checks it -->";
    private static final String TABLE_END = "<!-- /keys -->";

    private ExampleFile() {
    }

    /** The keys the file sets, and the keys it shows commented out ({@code #key=value}), with their values. */
    public static Properties read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Properties p = new Properties();
        Matcher m = SHOWN.matcher(text);
        while (m.find()) {
            p.setProperty(m.group(1), m.group(2).trim());
        }
        try (Reader r = new StringReader(text)) {
            p.load(r);
        }
        return p;
    }

    /** The keys the file sets (not those it only shows). */
    public static Properties set(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** The file sets or shows exactly the defined keys. */
    public static void assertListsExactly(Path file, List<ConfigKey<?>> keys) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        keys.forEach(k -> names.add(k.name()));
        assertEquals(names, new TreeSet<>(read(file).stringPropertyNames()),
                "the example file and the key definitions must know the same keys");
    }

    /** The file shows every key that has a default with that default, as the definition prints it. */
    public static void assertShowsTheDefaults(Path file, List<ConfigKey<?>> keys) throws IOException {
        Properties p = read(file);
        for (ConfigKey<?> k : keys) {
            if (k.defaultValue().isPresent()) {
                assertEquals(k.defaultText(), p.getProperty(k.name()), "example value of " + k + " should show the default");
            } else if (!k.required()) {
                assertEquals("", p.getProperty(k.name()), "optional key " + k + " should be shown empty");
            }
        }
    }

    /** Every key has a comment above it (or above the group of keys it stands in). */
    public static void assertEveryKeyIsDocumented(Path file) throws IOException {
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (!l.isBlank() && !l.startsWith("#")) {
                String key = l.substring(0, l.indexOf('='));
                int j = i - 1;
                while (j >= 0 && !lines[j].isBlank() && (!lines[j].startsWith("#") || SHOWN.matcher(lines[j]).matches())) {
                    j--;
                }
                assertTrue(j >= 0 && lines[j].startsWith("#"), "key " + key + " has no comment above it");
            }
        }
    }

    /**
     * The Markdown file has, between {@code <!-- keys: ... -->} and {@code <!-- /keys -->}, exactly the table
     * {@link ConfigSource#markdownTable} makes from the definitions ({@code -Dsplitee.docs.write=true} writes it there).
     */
    public static void assertKeyTable(Path markdown, List<ConfigKey<?>> keys) throws IOException {
        String text = Files.readString(markdown, StandardCharsets.UTF_8);
        int a = text.indexOf(TABLE_START);
        int b = text.indexOf(TABLE_END);
        assertTrue(a >= 0 && b > a, markdown + " has no " + TABLE_START + " ... " + TABLE_END + " section");
        String expected = ConfigSource.of("", "", keys).markdownTable();
        if (Boolean.getBoolean("splitee.docs.write")) { // mvn test -Dsplitee.docs.write=true regenerates the table
            Files.writeString(markdown, text.substring(0, a + TABLE_START.length() + 1) + expected + text.substring(b),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, text.substring(a + TABLE_START.length() + 1, b),
                markdown + ": the key table differs from the key definitions; replace it with the expected one");
    }
}
