package io.splitee.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
    static final ExitCodes POLICY = new ExitCodes(IllegalArgumentException.class::isInstance,
            UncheckedIOException.class::isInstance);

    static String report(ToIntFunction<PrintWriter> call, int expectedCode) {
        StringWriter s = new StringWriter();
        try (PrintWriter err = new PrintWriter(s)) {
            assertEquals(expectedCode, call.applyAsInt(err));
        }
        return s.toString().replace(System.lineSeparator(), "\n");
    }

    @Test
    void badInputIsOneLineNamingTheCommandWithCode2() {
        assertEquals("tool run: --x: not a number\n",
                report(err -> POLICY.badInput(err, "tool run", " --x: not a number\n"), ExitCodes.BAD_INPUT));
        assertEquals("tool run: a; b\n",
                report(err -> POLICY.failed(err, "tool run", new IllegalArgumentException("a\n  b")), ExitCodes.BAD_INPUT));
    }

    @Test
    void expectedFailuresAreTheirMessageAndTheRestAnInternalErrorWithCode1() {
        assertEquals("tool: broker down\n", report(err -> POLICY.failed(err, "tool",
                new UncheckedIOException("broker down", new IOException())), ExitCodes.FAILED));
        assertEquals("tool: internal error: java.lang.IllegalStateException: oops; at line 2\n",
                report(err -> POLICY.failed(err, "tool", new IllegalStateException("oops\r\nat line 2")), ExitCodes.FAILED));
        assertEquals("tool: internal error: java.lang.NullPointerException\n",
                report(err -> POLICY.failed(err, "tool", new NullPointerException()), ExitCodes.FAILED));
    }

    @Test
    void anUnavailablePeerIsItsMessageWithCode3() {
        ExitCodes policy = new ExitCodes(IllegalArgumentException.class::isInstance,
                IllegalStateException.class::isInstance, UncheckedIOException.class::isInstance);
        assertEquals("tool run: broker tcp://h:1883:; refused\n", report(err -> policy.failed(err, "tool run",
                new IllegalStateException("broker tcp://h:1883:\n refused")), ExitCodes.UNAVAILABLE));
        assertEquals("tool run: bad\n", report(err -> policy.failed(err, "tool run", new IllegalArgumentException("bad")),
                ExitCodes.BAD_INPUT), "bad input is still 2");
        assertEquals("tool: internal error: java.lang.IllegalStateException: oops\n",
                report(err -> POLICY.failed(err, "tool", new IllegalStateException("oops")), ExitCodes.FAILED),
                "without an unavailable rule nothing is 3");
        assertEquals(69, ExitCodes.UNAVAILABLE, "the docs name 69 (EX_UNAVAILABLE; 3 is the JVM's out-of-memory exit)");
        assertEquals(2, ExitCodes.BAD_INPUT, "the systemd units' RestartPreventExitStatus names 2");
    }

    @Test
    void oneLineJoinsLinesAndTrims() {
        assertEquals("", ExitCodes.oneLine(null));
        assertEquals("a; b; c", ExitCodes.oneLine("  a \n\n b\r\nc \n"));
    }

    @Test
    void writersAreUtf8() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter w = ExitCodes.writer(bytes);
        w.println("λ ≥ 0");
        assertEquals("λ ≥ 0" + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8), "println flushes");
    }
}
