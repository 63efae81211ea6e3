package io.splitee.cli;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Predicate;
import picocli.CommandLine;

/**
 * A command-line program's exit codes and failure reports: {@value #OK} success; {@value #BAD_INPUT}
 * bad input (a flag, a file, the configuration, a platform the program cannot run on), reported as
 * {@code <command>: <message>}; {@value #UNAVAILABLE} a peer the program needs is unavailable (the broker
 * cannot be reached at start), reported the same way; {@value #FAILED} anything else, reported as
 * {@code <command>: <message>} for the failures the program expects and
 * {@code <command>: internal error: <exception>} for the rest. Every report is one line on stderr;
 * never a stack trace. Immutable.
 *
 * <p>A service manager tells them apart: retrying cannot cure {@value #BAD_INPUT} (systemd's
 * {@code RestartPreventExitStatus=2}), and may cure {@value #UNAVAILABLE} and {@value #FAILED}.
 */
public final class ExitCodes {
    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for a failure that is not the input's fault, or an internal error. */
    public static final int FAILED = 1;
    /** Exit code for bad input: the configuration, a flag, a file; a retry cannot help. */
    public static final int BAD_INPUT = 2;
    /**
     * Exit code for a peer that is unavailable (the broker cannot be reached at start): not the input's fault.
     * sysexits.h's {@code EX_UNAVAILABLE}; not 3, which HotSpot's {@code -XX:+ExitOnOutOfMemoryError} exits with.
     */
    public static final int UNAVAILABLE = 69;

    private final Predicate<Throwable> badInput;
    private final Predicate<Throwable> unavailable;
    private final Predicate<Throwable> expected;

    /**
     * @param badInput which exceptions a command throws for bad input (exit {@value #BAD_INPUT}, their message)
     * @param expected which others are failures the program expects, reported by their message (exit
     *                 {@value #FAILED}); everything else is an internal error
     */
    public ExitCodes(Predicate<Throwable> badInput, Predicate<Throwable> expected) {
        this(badInput, ex -> false, expected);
    }

    /**
     * @param badInput    which exceptions a command throws for bad input (exit {@value #BAD_INPUT}, their message)
     * @param unavailable which others say a peer is unavailable (exit {@value #UNAVAILABLE}, their message)
     * @param expected    which others are failures the program expects, reported by their message (exit
     *                    {@value #FAILED}); everything else is an internal error
     */
    public ExitCodes(Predicate<Throwable> badInput, Predicate<Throwable> unavailable, Predicate<Throwable> expected) {
        this.badInput = Objects.requireNonNull(badInput, "badInput");
        this.unavailable = Objects.requireNonNull(unavailable, "unavailable");
        this.expected = Objects.requireNonNull(expected, "expected");
    }

    /**
     * Reports input the command line parser refused.
     *
     * @param command the command's full name, e.g. {@code splitee-device run}
     * @return {@value #BAD_INPUT}
     */
    public int badInput(PrintWriter err, String command, String message) {
        err.println(command + ": " + oneLine(message));
        return BAD_INPUT;
    }

    /**
     * Reports what a command threw.
     *
     * @param command the command's full name, e.g. {@code splitee-device run}
     * @return {@value #BAD_INPUT}, {@value #UNAVAILABLE} or {@value #FAILED}
     */
    public int failed(PrintWriter err, String command, Throwable ex) {
        if (badInput.test(ex)) {
            return badInput(err, command, ex.getMessage());
        }
        if (unavailable.test(ex)) {
            err.println(command + ": " + oneLine(ex.getMessage()));
            return UNAVAILABLE;
        }
        if (expected.test(ex)) {
            err.println(command + ": " + oneLine(ex.getMessage()));
            return FAILED;
        }
        err.println(command + ": internal error: " + oneLine(String.valueOf(ex)));
        return FAILED;
    }

    /**
     * Runs a picocli command line with this program's exit codes: the parser's refusals are bad input,
     * what a command throws is reported by {@link #failed}; both streams are flushed.
     *
     * @return the exit code
     */
    public int execute(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
        cli.setOut(out).setErr(err);
        cli.setParameterExceptionHandler((ex, ignored) ->
                badInput(err, ex.getCommandLine().getCommandSpec().qualifiedName(), ex.getMessage()));
        cli.setExecutionExceptionHandler((ex, cmd, ignored) -> failed(err, cmd.getCommandSpec().qualifiedName(), ex));
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** A message as one line: trimmed, every line break (with the blanks around it) as {@code "; "}. */
    public static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    /** A UTF-8 writer on a standard stream ({@code System.out}, {@code System.err}) that flushes every line. */
    public static PrintWriter writer(OutputStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }
}
