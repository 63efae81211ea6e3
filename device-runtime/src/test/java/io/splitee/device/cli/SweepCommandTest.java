package io.splitee.device.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.replay.TraceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {

    @TempDir
    Path dir;

    @Test
    void tableAndCsvCoverEveryOffloadCostAndPolicy() throws Exception {
        Path a = TraceFiles.write(dir, "a.csv", TraceFiles.HAND);
        Path b = TraceFiles.writeGzip(dir, "b.csv.gz", TraceFiles.HAND);
        Path csv = dir.resolve("sweep.csv");
        Cli r = Cli.run("sweep", "--trace", a.toString(), "--trace", b.toString(), "--lambda", "0.0625",
                "--threshold", "0.75", "--checkpoints", "2,4", "--csv", csv.toString());
        assertEquals(0, r.code(), r.err());
        List<String> rows = Files.readAllLines(csv);
        assertEquals("trace,lambda,threshold,offload_cost,policy,samples,accuracy,accuracy_drop,cost_reduction,"
                + "offloaded,regret,regret_at_2,regret_at_4", rows.get(0));
        assertEquals(1 + 2 * 6 * 5, rows.size(), "2 traces × 6 offload costs × 5 policies");
        // final at o = 0.2 and 0.3: accuracy 5/6, no drop, no cost reduction. The best fixed arm
        // depends on o: arm 2 offloads rows 2 and 6, so its sum is 3.875 + 2·(0.25 − o):
        // o = 0.2 → 3.975 beats arm 3 (3.8125): final's regret 0.1625; o = 0.3 → 3.775: arm 3 is
        // best, regret 0.
        String at02 = rows.stream().filter(s -> s.startsWith(a + ",0.0625,0.75,0.2,final,")).findFirst().orElseThrow();
        String at03 = rows.stream().filter(s -> s.startsWith(a + ",0.0625,0.75,0.3,final,")).findFirst().orElseThrow();
        assertTrue(at02.startsWith(a + ",0.0625,0.75,0.2,final,6,0.8333333333333334,0.0,0.0,0,0.162"), at02);
        assertEquals(a + ",0.0625,0.75,0.3,final,6,0.8333333333333334,0.0,0.0,0,0.0,0.0,0.0", at03);
        assertTrue(r.out().contains("Trace " + a + ": 6 samples, 3 exits"), r.out());
        assertTrue(r.out().contains("regret@4"), r.out());
        long tableRows = r.out().lines().filter(s -> s.matches("\\s+0\\.[1-6]\\s+.*")).count();
        assertEquals(60, tableRows, r.out());
    }

    @Test
    void earlyExitRowMatchesTheHandReplay() throws Exception {
        Path a = TraceFiles.write(dir, "a.csv", TraceFiles.HAND);
        Path csv = dir.resolve("s.csv");
        Cli r = Cli.run("sweep", "--trace", a.toString(), "--lambda", "0.0625", "--threshold", "0.75",
                "--offload-costs", "0.25", "--checkpoints", "6", "--csv", csv.toString());
        assertEquals(0, r.code(), r.err());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(6, rows.size());
        // early exit: cost 0.75 of 1.125 → reduction 1/3, all answers right, regret −0.5
        assertEquals(a + ",0.0625,0.75,0.25,early-exit,6,1.0,-0.16666666666666663,0.33333333333333337,0,-0.5,-0.5", rows.get(5));
        // splitee with o = 0.25 is the JSON test's run: regret 0.375 at 6
        assertTrue(rows.get(1).startsWith(a + ",0.0625,0.75,0.25,splitee,6,0.6666666666666666,"), rows.get(1));
        assertTrue(rows.get(1).endsWith(",2,0.375,0.375"), rows.get(1));
    }

    /** --policies picks the table's policies: the published SplitEE-S and a parameterised spec, with their regret. */
    @Test
    void policiesAreSelectable() throws Exception {
        Path a = TraceFiles.write(dir, "a.csv", TraceFiles.HAND);
        Path csv = dir.resolve("p.csv");
        Cli r = Cli.run("sweep", "--trace", a.toString(), "--lambda", "0.0625", "--threshold", "0.75",
                "--offload-costs", "0.25", "--checkpoints", "6", "--policies", "splitee-s-paper,splitee:discount=0.9",
                "--csv", csv.toString());
        assertEquals(0, r.code(), r.err());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(3, rows.size());
        assertTrue(rows.get(1).startsWith(a + ",0.0625,0.75,0.25,splitee-s-paper,6,"), rows.get(1));
        assertTrue(rows.get(2).startsWith(a + ",0.0625,0.75,0.25,splitee:discount=0.9,6,"), rows.get(2));
        assertFalse(r.out().contains(" - "), "adaptive policies show their regret: " + r.out());
        Cli bad = Cli.run("sweep", "--trace", a.toString(), "--policies", "splitee,nope");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--policies: unknown policy 'nope'"), bad.err());
    }
}
