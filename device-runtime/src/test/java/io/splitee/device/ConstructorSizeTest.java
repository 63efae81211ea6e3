package io.splitee.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No class in device-runtime takes more than {@value #MOST} constructor parameters (a record's header is its
 * canonical constructor): related values travel as one small validated record instead. Reads the sources, so a
 * new offender fails here with its file and name.
 */
class ConstructorSizeTest {
    private static final int MOST = 6;
    private static final Path SOURCES = Path.of("src/main/java");

    private static final Pattern TYPE_NAME = Pattern.compile("\\b(?:class|record|enum)\\s+(\\w+)");
    private static final Pattern RECORD_HEADER = Pattern.compile("\\brecord\\s+(\\w+)\\s*(?:<[^>]*>)?\\s*\\(");
    private static final Pattern CONSTRUCTOR = Pattern.compile(
            "(?:^|[;{}])\\s*(?:@\\w+\\s+)*(?:(?:public|protected|private)\\s+)?(\\w+)\\s*\\(", Pattern.MULTILINE);

    @Test
    void noConstructorTakesMoreThanSixParameters() throws IOException {
        Map<String, Integer> all = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                all.putAll(constructors(SOURCES.relativize(f).toString(), Files.readString(f)));
            }
        }
        assertTrue(all.size() > 40, "the sources were read: " + all.size() + " constructors found");
        assertEquals(6, all.get("io/splitee/device/config/DeviceConfig.java DeviceConfig(record)"), all.toString());
        List<String> offenders = new ArrayList<>();
        all.forEach((where, n) -> {
            if (n > MOST) {
                offenders.add(where + ": " + n + " parameters");
            }
        });
        assertTrue(offenders.isEmpty(), "more than " + MOST + " constructor parameters: " + offenders);
    }

    @Test
    void theReaderCountsParametersOfRecordsAndClasses() {
        Map<String, Integer> found = constructors("X.java", """
                /** a (b, c) comment */
                public final class X {
                    record R(int a, Map<String, List<Long>> b, String c) {
                        R {
                            check("x(y, z)");
                        }
                    }
                    X(int a, int b, // (c, d)
                      double[] c, java.util.function.IntToLongFunction d, long e, boolean f, Object g) throws Exception {
                        this.a = a;
                        go(a, b);
                    }
                    private X() {
                    }
                }
                """);
        assertEquals(Map.of("X.java R(record)", 3, "X.java X", 7), found);
    }

    /** Each constructor with parameters of one source file, by file and name, and how many it takes. */
    static Map<String, Integer> constructors(String file, String source) {
        String s = stripped(source);
        Set<String> types = new HashSet<>();
        Matcher t = TYPE_NAME.matcher(s);
        while (t.find()) {
            types.add(t.group(1));
        }
        Map<String, Integer> out = new TreeMap<>();
        Matcher r = RECORD_HEADER.matcher(s);
        while (r.find()) {
            out.merge(file + " " + r.group(1) + "(record)", count(s, r.end()), Math::max);
        }
        Matcher c = CONSTRUCTOR.matcher(s);
        while (c.find()) {
            if (!types.contains(c.group(1))) {
                continue;
            }
            int close = closing(s, c.end());
            String after = s.substring(close + 1).stripLeading();
            if (after.startsWith("{") || after.startsWith("throws")) {
                int n = count(s, c.end());
                if (n > 0) {
                    out.merge(file + " " + c.group(1), n, Math::max);
                }
            }
        }
        return out;
    }

    /** The source without comments, and with every string and character literal emptied. */
    private static String stripped(String s) {
        return s.replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"")
                .replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("//[^\\n]*", " ")
                .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("'(?:\\\\.|[^'\\\\])+'", "' '");
    }

    /** The index of the parenthesis that closes the one opened just before {@code from}. */
    private static int closing(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unbalanced parentheses");
    }

    /** The parameters between {@code from} and the matching parenthesis: top-level commas plus one. */
    private static int count(String s, int from) {
        String params = s.substring(from, closing(s, from));
        if (params.isBlank()) {
            return 0;
        }
        int depth = 0;
        int n = 1;
        for (char ch : params.toCharArray()) {
            if (ch == '<' || ch == '(' || ch == '[') {
                depth++;
            } else if (ch == '>' || ch == ')' || ch == ']') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                n++;
            }
        }
        return n;
    }
}
