package io.splitee.gateway;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code splitee-gateway.jar}: the {@code splitee-gateway} command with the subcommand
 * {@code run}.
 *
 * <p>Exit codes: 0 success (also after SIGTERM: the shutdown is graceful), 2 bad input or
 * configuration (one line on stderr naming the problem), 1 anything else, e.g. the broker cannot be
 * reached (one line; never a stack trace).
 */
@Command(name = "splitee-gateway", mixinStandardHelpOptions = true, version = "splitee-gateway 0.1.0",
        description = "SplitEE offload gateway: completes the inference of samples devices offload.",
        subcommands = {RunCommand.class})
public final class GatewayMain implements Callable<Integer> {

    /** Exit code for bad input or configuration. */
    static final int BAD_INPUT = 2;
    /** Exit code for any other failure. */
    static final int FAILURE = 1;

    private GatewayMain() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(execute(out, err, args));
    }

    /** Runs the command line with the given streams (in-process, for tests) and returns the exit code. */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new GatewayMain());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, ignored) -> {
            err.println(ex.getCommandLine().getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage()));
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, cmd, ignored) -> {
            String name = cmd.getCommandSpec().qualifiedName();
            if (ex instanceof InputException) {
                err.println(name + ": " + oneLine(ex.getMessage()));
                return BAD_INPUT;
            }
            if (ex instanceof RunFailure) {
                err.println(name + ": " + oneLine(ex.getMessage()));
                return FAILURE;
            }
            err.println(name + ": internal error: " + oneLine(String.valueOf(ex)));
            return FAILURE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    @Override
    public Integer call() {
        throw new InputException("missing subcommand (run); see --help");
    }

    /** Bad input from the user: reported as one line, exit code 2. */
    static final class InputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InputException(String message) {
            super(message);
        }
    }

    /** The gateway could not run for a reason other than its input: one line, exit code 1. */
    static final class RunFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RunFailure(String message) {
            super(message);
        }
    }
}
