package io.splitee.device.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.replay.TraceFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input: exit code 2, nothing on stdout, exactly one line on stderr naming the problem. */
class BadInputTest {

    @TempDir
    Path dir;

    private String good;

    @BeforeEach
    void trace() throws IOException {
        good = TraceFiles.write(dir, "hand.csv", TraceFiles.HAND).toString();
    }

    private static String badInput(String... args) {
        Cli r = Cli.run(args);
        assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
        assertEquals("", r.out(), "nothing on stdout");
        assertTrue(r.err().endsWith(System.lineSeparator()) && r.err().strip().lines().count() == 1,
                () -> "one line on stderr: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
        return r.err().strip();
    }

    private String simulate(String trace, String policy, String lambda, String offload, String alpha) {
        return badInput("simulate", "--trace", trace, "--policy", policy, "--lambda", lambda,
                "--offload-cost", offload, "--threshold", alpha);
    }

    private String simulateFile(String name, String text) throws IOException {
        Path p = TraceFiles.write(dir, name, text);
        return simulate(p.toString(), "splitee", "0.01", "0.3", "0.8");
    }

    @Test
    void missingFile() {
        String missing = dir.resolve("nope.csv").toString();
        assertEquals("splitee-device simulate: " + missing + ": no such file", simulate(missing, "splitee", "0.01", "0.3", "0.8"));
    }

    @Test
    void headerWithoutConfOrPredColumns() throws IOException {
        String msg = simulateFile("nocols.csv", "label,x\n1,2\n");
        assertTrue(msg.contains("nocols.csv: line 1 (header): the header has 0 conf_ and 0 pred_ columns"), msg);
    }

    @Test
    void headerWithUnequalCounts() throws IOException {
        String msg = simulateFile("unequal.csv", "conf_1,conf_2,pred_1\n0.5,0.5,1\n");
        assertTrue(msg.contains("unequal.csv: line 1 (header): the header has 2 conf_ columns but 1 pred_ columns"), msg);
    }

    @Test
    void missingValue() throws IOException {
        String msg = simulateFile("short.csv", "conf_1,conf_2,pred_1,pred_2\n0.9,0.5,1,1\n0.9,0.5,1\n");
        assertTrue(msg.contains("short.csv: line 3 (sample 2), column pred_2: missing value"), msg);
        msg = simulateFile("empty.csv", "conf_1,conf_2,pred_1,pred_2\n0.9,,1,1\n");
        assertTrue(msg.contains("empty.csv: line 2 (sample 1), column conf_2: missing value"), msg);
    }

    @Test
    void nonNumericValue() throws IOException {
        String msg = simulateFile("text.csv", "conf_1,conf_2,pred_1,pred_2\n0.9,0.5,1,1\n0.9,high,1,1\n");
        assertTrue(msg.contains("text.csv: line 3 (sample 2), column conf_2: 'high' is not a number"), msg);
        msg = simulateFile("pred.csv", "conf_1,conf_2,pred_1,pred_2\n0.9,0.5,1,cat\n");
        assertTrue(msg.contains("pred.csv: line 2 (sample 1), column pred_2: 'cat' is not an integer class index"), msg);
    }

    @Test
    void confidenceOutsideUnitInterval() throws IOException {
        String msg = simulateFile("range.csv", "pred_1,pred_2,conf_1,conf_2\n1,1,0.9,0.5\n1,1,1.01,0.5\n");
        assertTrue(msg.contains("range.csv: line 3 (sample 2), column conf_1: confidence 1.01 is outside [0, 1]"), msg);
    }

    @Test
    void negativeLambda() {
        assertEquals("splitee-device simulate: --lambda must be a finite number >= 0, got -0.5",
                simulate(good, "splitee", "-0.5", "0.3", "0.8"));
    }

    @Test
    void negativeOffloadCost() {
        assertEquals("splitee-device simulate: --offload-cost must be a finite number >= 0, got -1.0",
                simulate(good, "splitee", "0.01", "-1", "0.8"));
    }

    @Test
    void thresholdOutsideUnitInterval() {
        assertEquals("splitee-device simulate: --threshold must be in (0, 1], got 0.0", simulate(good, "splitee", "0.01", "0.3", "0"));
        assertEquals("splitee-device simulate: --threshold must be in (0, 1], got 1.5", simulate(good, "splitee", "0.01", "0.3", "1.5"));
        assertEquals("splitee-device simulate: --threshold must be in (0, 1], got NaN", simulate(good, "splitee", "0.01", "0.3", "NaN"));
    }

    @Test
    void unknownPolicy() {
        String msg = simulate(good, "greedy", "0.01", "0.3", "0.8");
        assertTrue(msg.startsWith("splitee-device simulate: --policy: unknown policy 'greedy' (expected one of splitee,"), msg);
        msg = simulate(good, "fixed:4", "0.01", "0.3", "0.8");
        assertEquals("splitee-device simulate: --policy: policy 'fixed:4': the arm must be in 1..3 (the trace has 3 exits)", msg);
        msg = simulate(good, "fixed:0", "0.01", "0.3", "0.8");
        assertEquals("splitee-device simulate: --policy: policy 'fixed:0': the arm must be >= 1", msg);
    }

    @Test
    void optionProblemsFromPicocli() {
        assertEquals("splitee-device simulate: Invalid value for option '--lambda': 'abc' is not a double",
                simulate(good, "splitee", "abc", "0.3", "0.8"));
        assertEquals("splitee-device simulate: Missing required option: '--policy=POLICY'",
                badInput("simulate", "--trace", good, "--lambda", "0.01", "--offload-cost", "0.3", "--threshold", "0.8"));
        String msg = badInput("simulate", "--trace", good, "--policy", "splitee", "--lambda", "0.01",
                "--offload-cost", "0.3", "--threshold", "0.8", "--bogus");
        assertTrue(msg.startsWith("splitee-device simulate: Unknown option: '--bogus'"), msg);
        assertEquals("splitee-device: missing subcommand (run, simulate, sweep or acl); see --help", badInput());
        assertTrue(badInput("frobnicate").startsWith("splitee-device: Unmatched argument"));
    }

    @Test
    void sweepBadInput() throws IOException {
        assertEquals("splitee-device sweep: --offload-costs must be a finite number >= 0, got -0.1",
                badInput("sweep", "--trace", good, "--offload-costs", "0.1,-0.1"));
        assertEquals("splitee-device sweep: --threshold must be in (0, 1], got 2.0",
                badInput("sweep", "--trace", good, "--threshold", "2"));
        String missing = dir.resolve("gone.csv.gz").toString();
        assertEquals("splitee-device sweep: " + missing + ": no such file", badInput("sweep", "--trace", good, "--trace", missing));
        String msg = badInput("sweep", "--trace", good, "--csv", dir.resolve("no/such/dir/out.csv").toString());
        assertTrue(msg.startsWith("splitee-device sweep: --csv: cannot write"), msg);
    }
}
