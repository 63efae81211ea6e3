package io.splitee.demo;

import io.splitee.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code splitee-demo.jar}: the {@code splitee-demo} command with the subcommands
 * {@code demo}, {@code report} and {@code publish}.
 *
 * <p>Exit codes: 0 success; 2 bad input (a flag, a file, an unreachable broker), one line on stderr
 * naming the problem; 1 a run that could not finish or an internal error, one line, never a stack trace.
 */
@Command(name = "splitee-demo", mixinStandardHelpOptions = true, version = "splitee-demo 0.1.0",
        description = "SplitEE end to end in one process (demo), its report (report), and a sample feeder (publish).",
        subcommands = {DemoCommand.class, ReportCommand.class, PublishCommand.class})
public final class DemoMain implements Callable<Integer> {
    /** Bad input: {@link InputException}; an expected failure: {@link RunFailure}; the rest is internal. */
    private static final ExitCodes EXIT = new ExitCodes(InputException.class::isInstance, RunFailure.class::isInstance);

    static {
        // Quiet by default: the demo prints its own progress. Set before any logger exists.
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.log.com.hivemq", "error");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("java.awt.headless", "true");
    }

    private DemoMain() {
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(ExitCodes.writer(System.out), ExitCodes.writer(System.err), System.console() != null, args));
    }

    /**
     * Runs the command line with the given streams (in-process, for tests) and returns the exit code.
     *
     * @param tty whether {@code out} is a terminal (the progress line is then rewritten in place)
     */
    static int execute(PrintWriter out, PrintWriter err, boolean tty, String... args) {
        CommandLine cli = new CommandLine(new DemoMain());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        if (cli.getSubcommands().get("demo").getCommand() instanceof DemoCommand d) {
            d.tty = tty;
        }
        return EXIT.execute(cli, out, err, args);
    }

    @Override
    public Integer call() {
        throw new InputException("missing subcommand (demo, report or publish); see --help");
    }
}
