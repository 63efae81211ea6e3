package io.splitee.device.cli;

import io.splitee.replay.TraceException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code splitee-device.jar}: the {@code splitee-device} command with the
 * subcommands {@code simulate} and {@code sweep}.
 *
 * <p>Exit codes: 0 success, 2 bad input (one line on stderr naming the problem), 1 an internal
 * error (one line; never a stack trace).
 */
@Command(name = "splitee-device", mixinStandardHelpOptions = true, version = "splitee-device 0.1.0",
        description = "SplitEE on the device: the daemon (run) and trace replay (simulate, sweep).",
        subcommands = {RunCommand.class, SimulateCommand.class, SweepCommand.class})
public final class DeviceMain implements Callable<Integer> {

    /** Exit code for bad input. */
    static final int BAD_INPUT = 2;
    /** Exit code for an internal error. */
    static final int INTERNAL_ERROR = 1;

    private DeviceMain() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(execute(out, err, args));
    }

    /** Runs the command line with the given streams (in-process, for tests) and returns the exit code. */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new DeviceMain());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, ignored) -> {
            err.println(ex.getCommandLine().getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage()));
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, cmd, ignored) -> {
            String name = cmd.getCommandSpec().qualifiedName();
            if (ex instanceof InputException || ex instanceof TraceException) {
                err.println(name + ": " + oneLine(ex.getMessage()));
                return BAD_INPUT;
            }
            err.println(name + ": internal error: " + oneLine(String.valueOf(ex)));
            return INTERNAL_ERROR;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    @Override
    public Integer call() {
        throw new InputException("missing subcommand (run, simulate or sweep); see --help");
    }
}
