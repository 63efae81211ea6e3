package io.splitee.device.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.splitee.replay.TraceFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

    @TempDir
    Path dir;

    /**
     * The hand trace (see ReplayTest): cost 1.25, full cost 6·3·0.0625 = 1.125, reduction −1/9;
     * offloaded rows 2 and 4; arms 1, 2, 3, 1, 2, 3; best fixed arm 2 (3.875) − played 3.5 =
     * regret 0.375; accuracy 4/6, final-exit 5/6, drop 1/6.
     */
    @Test
    void jsonOnTheHandTrace() throws Exception {
        Path trace = TraceFiles.writeGzip(dir, "hand.csv.gz", TraceFiles.HAND);
        Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "splitee", "--lambda", "0.0625",
                "--offload-cost", "0.25", "--threshold", "0.75", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertEquals(1, r.out().strip().lines().count(), "one JSON object on one line");
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("policy", "samples", "arms", "cost", "full_cost", "cost_reduction", "offloaded", "arm_counts",
                "best_fixed_arm", "regret", "accuracy", "final_exit_accuracy", "accuracy_drop"), keys);
        assertEquals("splitee", j.get("policy").asText());
        assertEquals(6, j.get("samples").asInt());
        assertEquals(3, j.get("arms").asInt());
        assertEquals(1.25, j.get("cost").asDouble(), 0.0);
        assertEquals(1.125, j.get("full_cost").asDouble(), 0.0);
        assertEquals(-1.0 / 9, j.get("cost_reduction").asDouble(), 1e-12);
        assertEquals(2, j.get("offloaded").asInt());
        assertEquals("[2,2,2]", j.get("arm_counts").toString());
        assertEquals(2, j.get("best_fixed_arm").asInt());
        assertEquals(0.375, j.get("regret").asDouble(), 0.0);
        assertEquals(4.0 / 6, j.get("accuracy").asDouble(), 1e-12);
        assertEquals(5.0 / 6, j.get("final_exit_accuracy").asDouble(), 1e-12);
        assertEquals(1.0 / 6, j.get("accuracy_drop").asDouble(), 1e-12);
    }

    /**
     * splitee:leave=first on the hand trace (ReplayTest): chooses 1, 2, 3, 1, 3, 2, the samples leave at exits
     * 1, 2, 2, 1, 1, 2; offloads 3; cost 1.3125; best cascade arm 3 (4.375) − played 3.5625 = regret .8125.
     */
    @Test
    void leaveFirstOnTheHandTrace() throws Exception {
        Path trace = TraceFiles.writeGzip(dir, "hand.csv.gz", TraceFiles.HAND);
        Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "splitee:leave=first", "--lambda", "0.0625",
                "--offload-cost", "0.25", "--threshold", "0.75", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("splitee:leave=first", j.get("policy").asText());
        assertEquals(1.3125, j.get("cost").asDouble(), 1e-12);
        assertEquals(3, j.get("offloaded").asInt());
        assertEquals("[3,3,0]", j.get("arm_counts").toString());
        assertEquals(3, j.get("best_fixed_arm").asInt());
        assertEquals(0.8125, j.get("regret").asDouble(), 1e-12);
    }

    /** SplitEE-S plays 3, 1, 2, 3, 3, 3 (engine test): offloads row 2 only (arm 1: C1 .5). */
    @Test
    void jsonWithoutLabelsHasNoAccuracy() throws Exception {
        String unlabelled = TraceFiles.HAND.replaceAll("(?m)^[^,]*,", "");
        Path trace = TraceFiles.write(dir, "nolabel.csv", unlabelled);
        Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "splitee-s", "--lambda", "0.0625",
                "--offload-cost", "0.25", "--threshold", "0.75", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertFalse(j.has("accuracy"));
        assertEquals("[1,1,4]", j.get("arm_counts").toString());
        assertEquals(1, j.get("offloaded").asInt());
        // played rewards .8125 + .5625 + .625 + .375 + .75 + .6875 = 3.8125; best arm 2: 3.875
        assertEquals(0.0625, j.get("regret").asDouble(), 1e-12);
    }

    @Test
    void tableIsReadable() throws Exception {
        Path trace = TraceFiles.write(dir, "hand.csv", TraceFiles.HAND);
        Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "final", "--lambda", "0.0625",
                "--offload-cost", "0.25", "--threshold", "0.75");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cost reduction       0.00 %"), r.out());
        assertTrue(r.out().contains("arm counts           1:0  2:0  3:6"), r.out());
        assertTrue(r.out().contains("accuracy drop        0.00 pp"), r.out());
    }

    @Test
    void helpExitsZero() {
        Cli r = Cli.run("simulate", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--offload-cost"), r.out());
        assertEquals(0, Cli.run("--version").code());
    }
}
