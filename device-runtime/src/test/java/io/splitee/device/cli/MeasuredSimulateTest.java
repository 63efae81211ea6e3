package io.splitee.device.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.splitee.replay.ProfileFiles;
import io.splitee.replay.TraceFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --cost-profile}: costs hand-computed in {@link ProfileFiles}. */
class MeasuredSimulateTest {

    @TempDir
    Path dir;

    private Cli measured(String encoding, String... extra) throws Exception {
        Path trace = TraceFiles.write(dir, "t.csv", ProfileFiles.TRACE);
        Path profile = TraceFiles.write(dir, "p.json", ProfileFiles.HAND);
        String[] base = {"simulate", "--trace", trace.toString(), "--policy", "fixed:1", "--threshold", "0.8",
                "--cost-profile", profile.toString(), "--encoding", encoding, "--json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void featuresWin() throws Exception {
        Cli r = measured("small");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals((1.5 + 12.2 + 12.2 + 1.5) / 4, j.get("mean_latency_ms").asDouble(), 1e-9);
        assertEquals("{\"features\":2,\"raw\":0}", j.get("payload_counts").toString());
        assertEquals(0.1 * (1.5 + 12.2 + 12.2 + 1.5), j.get("cost").asDouble(), 1e-9);
        assertEquals(4 * 0.1 * 3.5, j.get("full_cost").asDouble(), 1e-9);
        assertEquals(2, j.get("offloaded").asInt());
    }

    @Test
    void rawWins() throws Exception {
        Cli r = measured("big");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals((1.5 + 13.2 + 13.2 + 1.5) / 4, j.get("mean_latency_ms").asDouble(), 1e-9);
        assertEquals("{\"features\":0,\"raw\":2}", j.get("payload_counts").toString());
    }

    @Test
    void optionsChangeTheCosts() throws Exception {
        // forced features on the big encoding: 17 ms per offload
        JsonNode j = new ObjectMapper().readTree(measured("big", "--payload", "features").out());
        assertEquals((1.5 + 17 + 17 + 1.5) / 4, j.get("mean_latency_ms").asDouble(), 1e-9);
        // board ×2 and an unlimited link: device 3 ms, offload 3 + 0 + 0.5 (features, small)
        j = new ObjectMapper().readTree(measured("small", "--board-slowdown", "2", "--link", "none").out());
        assertEquals((3 + 3.5 + 3.5 + 3) / 4, j.get("mean_latency_ms").asDouble(), 1e-9);
        // weights: cost = 0.1 × device ms + 0 × link ms
        j = new ObjectMapper().readTree(measured("small", "--w-device-ms", "0.1", "--w-link-ms", "0").out());
        assertEquals(0.1 * 1.5 * 4, j.get("cost").asDouble(), 1e-9);
    }

    @Test
    void tableShowsLatencyAndPayloads() throws Exception {
        Path trace = TraceFiles.write(dir, "t.csv", ProfileFiles.TRACE);
        Path profile = TraceFiles.write(dir, "p.json", ProfileFiles.HAND);
        Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "fixed:1", "--threshold", "0.8",
                "--cost-profile", profile.toString(), "--encoding", "small");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mean latency         6.850 ms  (all on device: 3.500 ms, all raw to gateway: 11.700 ms)"),
                r.out());
        assertTrue(r.out().contains("payloads             features 2, raw 0"), r.out());
        assertTrue(r.out().contains("parameters           measured: profile "), r.out());
    }

    @Test
    void badProfileIsOneLineNamingFileAndField() throws Exception {
        Path trace = TraceFiles.write(dir, "t.csv", ProfileFiles.TRACE);
        Path profile = TraceFiles.write(dir, "bad.json", ProfileFiles.HAND.replace("\"exit_ms\": 0.1", "\"exit_ms\": -1"));
        Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "splitee", "--threshold", "0.8",
                "--cost-profile", profile.toString());
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals("splitee-device simulate: --cost-profile: cost profile " + profile
                + ": gateway.exit_ms: -1.0 must be a finite number ≥ 0", r.err().strip());
        assertEquals(1, r.err().strip().lines().count());
    }

    @Test
    void otherBadInput() throws Exception {
        Cli r = measured("fp16");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("splitee-device simulate: --encoding: encoding 'fp16' is not in the profile (it has big, small)"),
                r.err());
        r = measured("small", "--payload", "both");
        assertEquals("splitee-device simulate: --payload must be auto, features or raw, got 'both'", r.err().strip());
        r = measured("small", "--link", "carrier-pigeon");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("splitee-device simulate: --link: unknown link profile"), r.err());
        r = measured("small", "--lambda", "0.1");
        assertEquals("splitee-device simulate: --cost-profile replaces --lambda and --offload-cost; give one mode",
                r.err().strip());
        r = measured("small", "--board-slowdown", "0");
        assertEquals("splitee-device simulate: --board-slowdown must be a finite number > 0, got 0.0", r.err().strip());
        Path trace = TraceFiles.write(dir, "t.csv", ProfileFiles.TRACE);
        r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "splitee", "--threshold", "0.8");
        assertEquals("splitee-device simulate: give --lambda and --offload-cost (paper mode) or --cost-profile (measured mode)",
                r.err().strip());
    }

    /**
     * Paper mode prints exactly what it printed before the payload choice (captured from main's jar), except
     * SplitEE-S, whose start and side observations changed later (deepest arm first, C_L estimated).
     */
    @Test
    void paperModeIsUnchanged() throws Exception {
        Path trace = TraceFiles.write(dir, "hand.csv", TraceFiles.HAND);
        String[][] expected = {
            {"splitee", "{\"policy\":\"splitee\",\"samples\":6,\"arms\":3,\"cost\":1.25,\"full_cost\":1.125,"
                    + "\"cost_reduction\":-0.11111111111111116,\"offloaded\":2,\"arm_counts\":[2,2,2],\"best_fixed_arm\":2,"
                    + "\"regret\":0.375,\"accuracy\":0.6666666666666666,\"final_exit_accuracy\":0.8333333333333334,"
                    + "\"accuracy_drop\":0.16666666666666674}"},
            // SplitEE-S plays 3, 1, 2, 3, 3, 3 (SpliteeSPolicyTest): cost 4 × .1875 + .3125 + .125,
            // rewards 3.8125 against arm 2's 3.875, every answer right
            {"splitee-s", "{\"policy\":\"splitee-s\",\"samples\":6,\"arms\":3,\"cost\":1.1875,\"full_cost\":1.125,"
                    + "\"cost_reduction\":-0.05555555555555558,\"offloaded\":1,\"arm_counts\":[1,1,4],\"best_fixed_arm\":2,"
                    + "\"regret\":0.0625,\"accuracy\":1.0,\"final_exit_accuracy\":0.8333333333333334,"
                    + "\"accuracy_drop\":-0.16666666666666663}"},
            {"early-exit", "{\"policy\":\"early-exit\",\"samples\":6,\"arms\":3,\"cost\":0.75,\"full_cost\":1.125,"
                    + "\"cost_reduction\":0.33333333333333337,\"offloaded\":0,\"arm_counts\":[2,2,2],\"best_fixed_arm\":2,"
                    + "\"regret\":-0.5,\"accuracy\":1.0,\"final_exit_accuracy\":0.8333333333333334,"
                    + "\"accuracy_drop\":-0.16666666666666663}"},
        };
        for (String[] e : expected) {
            Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", e[0], "--lambda", "0.0625",
                    "--offload-cost", "0.25", "--threshold", "0.75", "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals(e[1], r.out().strip());
        }
        Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "splitee", "--lambda", "0.0625",
                "--offload-cost", "0.25", "--threshold", "0.75");
        String table = String.join(System.lineSeparator(),
                "trace                " + trace,
                "policy               splitee",
                "parameters           lambda 0.0625, offload cost 0.25, threshold 0.75, ucb-c 1.0, seed 0",
                "samples              6",
                "arms (exits)         3",
                "cost                 1.250000",
                "full cost            1.125000  (every sample at the final exit on the device)",
                "cost reduction       -11.11 %",
                "offloaded            2  (33.33 %)",
                "arm counts           1:2  2:2  3:2",
                "best fixed arm       2",
                "regret               0.375000",
                "accuracy             66.67 %",
                "final-exit accuracy  83.33 %",
                "accuracy drop        16.67 pp") + System.lineSeparator();
        assertEquals(table, r.out());
    }

    /**
     * The energy weight changes the arm the engine learns. Every sample exits on the device at either arm
     * (C_1 = 0.85, C_2 = 0.99), so an arm's reward is C_a − 0.01 × ms − w × mJ: without energy arm 1 gets
     * 0.85 − 0.015 = 0.835 and arm 2 0.99 − 0.035 = 0.955; at w = 0.1 per mJ arm 1 gets 0.835 − 0.3 = 0.535
     * and arm 2 0.955 − 0.7 = 0.255.
     */
    @Test
    void theEnergyWeightChangesTheChosenArm() throws Exception {
        Path trace = TraceFiles.write(dir, "confident.csv", ProfileFiles.confidentTrace(500));
        Path profile = TraceFiles.write(dir, "e.json", ProfileFiles.HAND_ENERGY);
        JsonNode[] out = new JsonNode[2];
        String[] weights = {"0", "0.1"};
        for (int i = 0; i < 2; i++) {
            Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "splitee", "--threshold", "0.8",
                    "--cost-profile", profile.toString(), "--encoding", "small", "--w-device-ms", "0.01",
                    "--w-link-ms", "0.01", "--w-millijoule", weights[i], "--json");
            assertEquals(0, r.code(), r.err());
            out[i] = new ObjectMapper().readTree(r.out());
        }
        assertEquals(2, out[0].get("best_fixed_arm").asInt(), out[0].toString());
        assertTrue(out[0].get("arm_counts").get(1).asInt() > 400, "without energy arm 2 wins: " + out[0]);
        assertEquals(1, out[1].get("best_fixed_arm").asInt(), out[1].toString());
        assertTrue(out[1].get("arm_counts").get(0).asInt() > 400, "with energy arm 1 wins: " + out[1]);
        assertEquals(500 * 0.035, out[0].get("full_cost").asDouble(), 1e-9, "the full cost: arm 2 without energy");
        assertEquals(500 * (0.035 + 0.7), out[1].get("full_cost").asDouble(), 1e-9, "and with");
        double mj = out[1].get("mean_energy_mj").asDouble();
        int arm1 = out[1].get("arm_counts").get(0).asInt();
        assertEquals((arm1 * 3.0 + (500 - arm1) * 7.0) / 500, mj, 1e-9, "3 mJ at arm 1, 7 at arm 2");
    }

    @Test
    void anEnergyWeightNeedsAProfileWithEnergy() throws Exception {
        Cli r = measured("small", "--w-millijoule", "0.5");
        assertEquals(2, r.code());
        assertEquals("splitee-device simulate: --w-millijoule: 0.5 prices energy, but cost profile "
                + dir.resolve("p.json") + " has no energy section (docs/payload.md); give 0 or a profile with one",
                r.err().strip());
        r = measured("small", "--w-millijoule", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--w-millijoule"), r.err());
        JsonNode old = new ObjectMapper().readTree(measured("small").out());
        assertTrue(old.get("mean_energy_mj") == null, "no energy figures, no energy reported: " + old);
        Path trace = TraceFiles.write(dir, "t.csv", ProfileFiles.TRACE);
        Path profile = TraceFiles.write(dir, "e.json", ProfileFiles.HAND_ENERGY);
        String[] args = {"simulate", "--trace", trace.toString(), "--policy", "fixed:1", "--threshold", "0.8",
                "--cost-profile", profile.toString(), "--encoding", "small", "--json"};
        JsonNode unasked = new ObjectMapper().readTree(Cli.run(args).out());
        assertTrue(unasked.get("mean_energy_mj") == null, "without --w-millijoule the output is as before: " + unasked);
        String[] asked = java.util.Arrays.copyOf(args, args.length + 2);
        asked[args.length] = "--w-millijoule";
        asked[args.length + 1] = "0";
        JsonNode zero = new ObjectMapper().readTree(Cli.run(asked).out());
        assertEquals(4.0, zero.get("mean_energy_mj").asDouble(), 1e-12, "weight 0 given: energy reported");
        assertEquals(unasked.get("cost"), zero.get("cost"), "and priced as without it");
    }

    @Test
    void theTableShowsTheEnergy() throws Exception {
        Path trace = TraceFiles.write(dir, "t.csv", ProfileFiles.TRACE);
        Path profile = TraceFiles.write(dir, "e.json", ProfileFiles.HAND_ENERGY);
        Cli r = Cli.run("simulate", "--trace", trace.toString(), "--policy", "fixed:1", "--threshold", "0.8",
                "--cost-profile", profile.toString(), "--encoding", "small", "--w-millijoule", "0.5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mean energy          4.000 mJ above idle  (all on device: 7.000 mJ, all raw to "
                + "gateway: 10.000 mJ)"), r.out());
        assertTrue(r.out().contains("w-millijoule 0.5"), r.out());
    }
}
