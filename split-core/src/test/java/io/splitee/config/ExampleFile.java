package io.splitee.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/** Checks a program's shipped example configuration file against the keys its loader knows (device, gateway). */
public final class ExampleFile {
    private ExampleFile() {
    }

    /** The file's keys and values. */
    public static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** The file sets exactly {@code keys}. */
    public static void assertListsExactly(Path file, Collection<String> keys) throws IOException {
        assertEquals(new TreeSet<>(keys), new TreeSet<>(read(file).stringPropertyNames()),
                "the example file and the loader must know the same keys");
    }

    /** The file shows every key that has a default with that default. */
    public static void assertShowsTheDefaults(Path file, Map<String, String> keys) throws IOException {
        Properties p = read(file);
        keys.forEach((k, v) -> {
            if (v != null) {
                assertEquals(v, p.getProperty(k), "example value of " + k + " should show the default");
            }
        });
    }

    /** Every key has a comment above it (or above the group of keys it stands in). */
    public static void assertEveryKeyIsDocumented(Path file) throws IOException {
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (!l.isBlank() && !l.startsWith("#")) {
                String key = l.substring(0, l.indexOf('='));
                int j = i - 1;
                while (j >= 0 && !lines[j].isBlank() && !lines[j].startsWith("#")) {
                    j--;
                }
                assertTrue(j >= 0 && lines[j].startsWith("#"), "key " + key + " has no comment above it");
            }
        }
    }
}
