package io.splitee.gateway;

import io.splitee.cli.ExitCodes;
import io.splitee.onnx.UnsupportedPlatformException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code splitee-gateway.jar}: the {@code splitee-gateway} command with the subcommand
 * {@code run}.
 *
 * <p>Exit codes: 0 success (also after SIGTERM: the shutdown is graceful), 2 bad input or
 * configuration (one line on stderr naming the problem; also a platform ONNX Runtime has no library for),
 * 3 the broker cannot be reached at start, 1 anything else, e.g. the metrics port is taken (one line; never a
 * stack trace).
 */
@Command(name = "splitee-gateway", mixinStandardHelpOptions = true, version = "splitee-gateway 0.1.0",
        description = "SplitEE offload gateway: completes the inference of samples devices offload.",
        subcommands = {RunCommand.class})
public final class GatewayMain implements Callable<Integer> {

    /**
     * Bad input: {@link InputException} and an unsupported platform; unavailable: {@link Unavailable}; an expected
     * failure: {@link RunFailure}; the rest is internal.
     */
    private static final ExitCodes EXIT = new ExitCodes(
            ex -> ex instanceof InputException || ex instanceof UnsupportedPlatformException,
            Unavailable.class::isInstance, RunFailure.class::isInstance);

    private GatewayMain() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(ExitCodes.writer(System.out), ExitCodes.writer(System.err), args));
    }

    /** Runs the command line with the given streams (in-process, for tests) and returns the exit code. */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        return EXIT.execute(new CommandLine(new GatewayMain()), out, err, args);
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

    /** A peer the gateway needs is unavailable (the broker at start): one line, exit code 69 (ExitCodes.UNAVAILABLE). */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
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
