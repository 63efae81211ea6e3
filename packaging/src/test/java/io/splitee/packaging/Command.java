package io.splitee.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program run to its end: its exit code and its standard output and error, merged. */
record Command(List<String> argv, int exit, String output) {

    Command {
        argv = List.copyOf(argv);
    }

    /** Runs {@code argv} (at most 5 minutes) and returns how it ended. */
    static Command run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 5 minutes: " + argv);
        }
        return new Command(argv, p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Command run(String... argv) throws IOException, InterruptedException {
        return run(List.of(argv));
    }

    /** Runs it and fails the test unless it exits 0. */
    static Command ok(String... argv) throws IOException, InterruptedException {
        Command c = run(argv);
        if (c.exit != 0) {
            throw new AssertionError(c.describe());
        }
        return c;
    }

    static Command ok(List<String> argv) throws IOException, InterruptedException {
        return ok(argv.toArray(new String[0]));
    }

    /** The command line, its exit code and its output, for a failure message. */
    String describe() {
        return String.join(" ", argv) + " exited " + exit + ":\n" + output;
    }

    /** The output's lines. */
    List<String> lines() {
        return new ArrayList<>(output.lines().toList());
    }
}
