package io.splitee.device.cli;

import io.splitee.cli.ExitCodes;
import io.splitee.onnx.UnsupportedPlatformException;
import io.splitee.replay.TraceException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code splitee-device.jar}: the {@code splitee-device} command with the
 * subcommands {@code run}, {@code simulate}, {@code sweep} and {@code acl}.
 *
 * <p>Exit codes: 0 success, 2 bad input (one line on stderr naming the problem: a flag, a file, the
 * configuration, a platform ONNX Runtime has no library for), 3 a peer unavailable ({@code run}: the broker
 * cannot be reached at start), 1 an internal error (one line; never a stack trace).
 */
@Command(name = "splitee-device", mixinStandardHelpOptions = true, version = "splitee-device 0.1.0",
        description = "SplitEE on the device: the daemon (run), trace replay (simulate, sweep) and the broker ACL (acl).",
        subcommands = {RunCommand.class, SimulateCommand.class, SweepCommand.class, AclCommand.class})
public final class DeviceMain implements Callable<Integer> {

    /**
     * Bad input: {@link InputException}, a trace that cannot be read, an unsupported platform; unavailable:
     * {@link UnavailableException}; everything else is internal.
     */
    private static final ExitCodes EXIT = new ExitCodes(ex -> ex instanceof InputException
            || ex instanceof TraceException || ex instanceof UnsupportedPlatformException,
            UnavailableException.class::isInstance, ex -> false);

    private DeviceMain() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(ExitCodes.writer(System.out), ExitCodes.writer(System.err), args));
    }

    /** Runs the command line with the given streams (in-process, for tests) and returns the exit code. */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        return EXIT.execute(new CommandLine(new DeviceMain()), out, err, args);
    }

    @Override
    public Integer call() {
        throw new InputException("missing subcommand (run, simulate, sweep or acl); see --help");
    }
}
