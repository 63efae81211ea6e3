package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code leave=first}: arm a evaluates exits 1..a and leaves at the first confident one (a cascade arm). Worked by
 * hand on {@link HandTrace} (α = 3/4, λ = 1/16, o = 1/4), cascade rewards: arm j earns the plain reward of exit
 * min(j, i), i the first confident exit of the row.
 * <pre>
 * row  first confident  cascade r1  r2      r3
 *  1   1                .8125       .8125   .8125
 *  2   none             .5625       .5      .6875
 *  3   2                .375        .625    .625
 *  4   2                .25         .6875   .6875
 *  5   1                .875        .875    .875
 *  6   none             .5625       .5      .6875
 * </pre>
 */
class CascadeArmsTest {

    private final EngineConfig config = HandTrace.config();

    /** What the device records for a sample: the exits the plan evaluated, C_L when it offloaded or reached L. */
    private Outcome played(Plan plan, double[] row) {
        Observation o = PlanExecutor.execute(plan, config, exit -> row[exit - 1]);
        return o.offloads() ? o.answered(row[row.length - 1]) : o.exited();
    }

    @Test
    void specOptionParsesValidatesAndDeclaresItsCosts() {
        PolicySpec s = PolicySpec.parse("splitee-s:window=5,leave=first");
        assertTrue(s.leavesAtFirstExit());
        assertEquals("splitee-s:window=5,leave=first", s.toString());
        assertTrue(s.has(Characteristic.EVALUATES_EVERY_EXIT), "a measured model charges every exit head on the way");
        assertTrue(s.has(Characteristic.STOPS_AT_FIRST_CONFIDENT_EXIT));
        assertEquals("splitee", PolicySpec.parse("splitee:leave=split").toString(), "leave=split is the default");
        assertFalse(PolicySpec.parse("splitee-s").has(Characteristic.EVALUATES_EVERY_EXIT));
        assertEquals("splitee-s-paper:init=authors,leave=first",
                PolicySpec.parse("splitee-s-paper:leave=first,init=authors").toString());
        assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("splitee:leave=last"));
        assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("random:leave=first"));
        assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("splitee:leave=first,leave=split"));
        assertEquals(Plan.stopAtFirstConfidentExit(2), planFor("splitee:leave=first", 2));
    }

    private Plan planFor(String spec, int rounds) {
        Policy p = Policies.parse(spec, config);
        Plan last = null;
        for (int t = 0; t < rounds; t++) {
            last = p.choose();
        }
        return last;
    }

    @Test
    void cascadeRewardIsThePlainRewardWhereTheSampleLeft() {
        double[][] expected = {
            {0.8125, 0.8125, 0.8125}, {0.5625, 0.5, 0.6875}, {0.375, 0.625, 0.625},
            {0.25, 0.6875, 0.6875}, {0.875, 0.875, 0.875}, {0.5625, 0.5, 0.6875},
        };
        for (int r = 0; r < 6; r++) {
            Outcome full = new Outcome(3, false, HandTrace.ROWS[r]);
            for (int j = 1; j <= 3; j++) {
                assertEquals(expected[r][j - 1], full.cascadeReward(j, config).orElseThrow(), "row " + (r + 1) + " arm " + j);
            }
        }
        // an exit on the way not observed: not computable
        double u = Outcome.UNOBSERVED;
        assertTrue(new Outcome(2, false, new double[] {u, 0.8, u}).cascadeReward(2, config).isEmpty());
    }

    /**
     * SplitEE with cascade arms credits the arm it CHOSE, not the exit where the sample left.
     * <pre>
     * t=1 arm 1, row 1: left at 1, +.8125 → Q = (.8125, 0, 0)
     * t=2 arm 2, row 2: C1, C2 &lt; α, offloads at 2: .875 − .375 = .5 → Q = (.8125, .5, 0)
     * t=3 arm 3, row 3: left at exit 2 (C2 = .75): .625 credited to arm 3 → Q = (.8125, .5, .625), N = (1, 1, 1)
     * t=4 indices Q + sqrt(ln 4) → arm 1. Row 4: C1 = .5 offloads at 1: .5625 − .3125 = .25 → Q1 = 1.0625
     * t=5 .53125 + sqrt(ln5/2) = 1.428311; .5 + sqrt(ln5) = 1.768636; .625 + 1.268636 = 1.893636 → arm 3.
     *     Row 5: left at 1, .875 → Q3 = 1.5
     * t=6 .53125 + sqrt(ln6/2) = 1.477759; .5 + sqrt(ln6) = 1.838566; .75 + sqrt(ln6/2) = 1.696509 → arm 2.
     *     Row 6: offloads at 2, .5 → Q = (1.0625, 1.0, 1.5), N = (2, 2, 2)
     * </pre>
     */
    @Test
    void spliteeCreditsTheChosenArm() {
        Policy p = Policies.parse("splitee:leave=first", config);
        int[] chosen = {1, 2, 3, 1, 3, 2};
        int[] left = {1, 2, 2, 1, 1, 2};
        double[][] q = {{0.8125, 0, 0}, {0.8125, 0.5, 0}, {0.8125, 0.5, 0.625}, {1.0625, 0.5, 0.625},
            {1.0625, 0.5, 1.5}, {1.0625, 1.0, 1.5}};
        long[][] n = {{1, 0, 0}, {1, 1, 0}, {1, 1, 1}, {2, 1, 1}, {2, 1, 2}, {2, 2, 2}};
        for (int t = 0; t < 6; t++) {
            Plan plan = p.choose();
            assertEquals(Plan.stopAtFirstConfidentExit(chosen[t]), plan, "plan at t=" + (t + 1));
            Outcome o = played(plan, HandTrace.ROWS[t]);
            assertEquals(left[t], o.arm(), "exit left at t=" + (t + 1));
            assertEquals(chosen[t], o.chosen());
            p.record(o);
            assertArrayEquals(q[t], p.snapshot().rewardSums(), 0.0, "Q after t=" + (t + 1));
            assertArrayEquals(n[t], p.snapshot().updateCounts(), "N after t=" + (t + 1));
        }
    }

    /**
     * SplitEE-S with cascade arms: a play of arm a also credits every arm j &lt; a, with the same outcome when the
     * sample left at i ≤ j, else an offload at j (C_L observed, or C_i standing in).
     * <pre>
     * t=1 arm 3 (deepest unobserved), row 1: left at 1 → .8125 to arms 3, 2, 1
     * t=2 all tied → arm 1, row 2: offloads at 1, .5625 → Q = (1.375, .8125, .8125), N = (2, 1, 1)
     * t=3 1.428652; 1.860647; 1.860647 → arm 2, row 3: left at 2 (.625); side j=1 offloads, C_L by C2 = .75:
     *     .4375 → Q = (1.8125, 1.4375, .8125), N = (3, 2, 1)
     * t=4 1.283962; 1.551305; 1.989910 → arm 3, row 4: left at 2: .6875 to arm 3 and to arm 2; arm 1 offloads,
     *     C_L by C2 = .8125: .5 → Q = (2.3125, 2.125, 1.5), N = (4, 3, 2)
     * t=5 1.212443; 1.440780; 1.647061 → arm 3, row 5: left at 1: .875 to all → Q = (3.1875, 3.0, 2.375)
     * t=6 1.236125; 1.419283; 1.564489 → arm 3, row 6: reached L: .6875; sides with the observed C_L = .875:
     *     .5625, .5 → Q = (3.75, 3.5, 3.0625), N = (6, 5, 4)
     * </pre>
     */
    @Test
    void spliteeSCreditsShallowerArmsFromWhatTheCascadeSaw() {
        Policy p = Policies.parse("splitee-s:leave=first", config);
        int[] chosen = {3, 1, 2, 3, 3, 3};
        double[][] q = {{0.8125, 0.8125, 0.8125}, {1.375, 0.8125, 0.8125}, {1.8125, 1.4375, 0.8125},
            {2.3125, 2.125, 1.5}, {3.1875, 3.0, 2.375}, {3.75, 3.5, 3.0625}};
        long[][] n = {{1, 1, 1}, {2, 1, 1}, {3, 2, 1}, {4, 3, 2}, {5, 4, 3}, {6, 5, 4}};
        for (int t = 0; t < 6; t++) {
            Plan plan = p.choose();
            assertEquals(Plan.stopAtFirstConfidentExit(chosen[t]), plan, "plan at t=" + (t + 1));
            p.record(played(plan, HandTrace.ROWS[t]));
            assertArrayEquals(q[t], p.snapshot().rewardSums(), 1e-15, "Q after t=" + (t + 1));
            assertArrayEquals(n[t], p.snapshot().updateCounts(), "N after t=" + (t + 1));
        }
    }

    /**
     * splitee-s-paper with cascade arms takes only an observed C_L: on the device (no C_L after an early exit) the
     * side arm that would have offloaded is not credited; given the trace's C_L (a replay) it is, with the truth.
     */
    @Test
    void paperVariantCreditsOnlyWithTheTrueFinalConfidence() {
        double u = Outcome.UNOBSERVED;
        // rounds 1, 2 play arms 1, 2 on row 1 (left at exit 1: .8125 to arm 1, and to arm 2 and its side arm 1);
        // round 3 plays arm 3 on row 3 (C1 = .25, C2 = .75 confident, C3 = .6875): left at exit 2
        Policy device = Policies.parse("splitee-s-paper:leave=first", config);
        Policy replay = Policies.parse("splitee-s-paper:leave=first", config);
        for (Policy p : List.of(device, replay)) {
            p.choose();
            p.record(new Outcome(1, false, new double[] {0.875, u, u}, 1));
            p.choose();
            p.record(new Outcome(1, false, new double[] {0.875, u, u}, 2));
            assertEquals(Plan.stopAtFirstConfidentExit(3), p.choose());
        }
        device.record(new Outcome(2, false, new double[] {0.25, 0.75, u}, 3));
        replay.record(new Outcome(2, false, new double[] {0.25, 0.75, 0.6875}, 3));
        assertArrayEquals(new long[] {2, 2, 1}, device.snapshot().updateCounts(), "arm 1 needs C_L: not credited");
        assertArrayEquals(new long[] {3, 2, 1}, replay.snapshot().updateCounts());
        // arm 1 gets the true C_L: .6875 − .3125; arm 2 the same outcome as arm 3, left at 2: .625
        assertEquals(0.8125 + 0.8125 + 0.375, replay.snapshot().rewardSums()[0], 1e-15);
        assertEquals(0.8125 + 0.625, replay.snapshot().rewardSums()[1], 1e-15);
        assertEquals(0.625, replay.snapshot().rewardSums()[2], 1e-15, "the chosen arm 3 earned what exit 2 did");
    }

    /**
     * Under drifting prices the index prices each arm's terms with its price now; a cascade arm's sample that left
     * before the arm carries the price difference, so with prices that happen not to change the choices are those
     * of the fixed prices.
     */
    @Test
    void driftingPricesChooseAsFixedPricesWhenThePricesStay() {
        EngineConfig fixed = new EngineConfig(4, 0.7, new PaperCost(0.1, 0.05));
        EngineConfig drifting = new EngineConfig(4, 0.7, CostModel.drifting(new PaperCost(0.1, 0.05)));
        for (String spec : List.of("splitee:leave=first", "splitee-s:leave=first", "splitee-s:side=learned,leave=first")) {
            Policy a = Policies.parse(spec, fixed);
            Policy b = Policies.parse(spec, drifting);
            java.util.Random rng = new java.util.Random(7);
            List<Integer> armsA = new ArrayList<>();
            List<Integer> armsB = new ArrayList<>();
            for (int t = 0; t < 2000; t++) {
                double[] row = new double[4];
                for (int e = 0; e < 4; e++) {
                    row[e] = Math.min(1, 0.3 + 0.7 * rng.nextDouble() * (1 + e) / 4);
                }
                Plan pa = a.choose();
                Plan pb = b.choose();
                armsA.add(pa.arm());
                armsB.add(pb.arm());
                Observation oa = PlanExecutor.execute(pa, fixed, e -> row[e - 1]);
                Observation ob = PlanExecutor.execute(pb, drifting, e -> row[e - 1]);
                a.record(oa.offloads() ? oa.answered(row[3]) : oa.exited());
                b.record(ob.offloads() ? ob.answered(row[3]) : ob.exited());
            }
            assertEquals(armsA, armsB, spec);
            assertTrue(armsA.stream().distinct().count() > 1, spec + " explored");
        }
    }

    /** The option is part of the saved spec: a restored policy plays cascade arms, a plain spec's state is another policy's. */
    @Test
    void theSavedStateNamesTheOption() {
        Policy p = Policies.parse("splitee-s:leave=first", config);
        for (int t = 0; t < 3; t++) {
            p.record(played(p.choose(), HandTrace.ROWS[t]));
        }
        PolicyState s = PolicyState.fromBytes(p.snapshot().toBytes());
        assertEquals("splitee-s:leave=first", s.policy());
        Policy restored = Policies.restore(s, config);
        Plan next = restored.choose();
        assertTrue(next.stopsAtFirstConfidentExit(), next.toString());
        assertEquals(p.choose(), next);
        assertFalse(s.policy().equals(Policies.parse("splitee-s", config).snapshot().policy()),
                "the daemon restores a state only into the policy it names");
    }

    /**
     * side=learned learns C_L only from full-depth plays: a cascade play of arm L that reached L (no confident exit
     * on the way: the hard samples only) is not one, and leaves the estimate, its full-depth count included, as it
     * was; the plain policy's play of L is one.
     */
    @Test
    void theLearnedEstimateIgnoresCascadePlaysThatReachedL() {
        double[] hard = {0.5, 0.625, 0.875}; // row 2: no exit below L confident
        Policy cascade = Policies.parse("splitee-s:side=learned,leave=first", config);
        double[] before = cascade.snapshot().memory();
        Plan p = cascade.choose();
        assertEquals(Plan.stopAtFirstConfidentExit(3), p);
        cascade.record(played(p, hard));
        double[] after = cascade.snapshot().memory();
        assertArrayEquals(java.util.Arrays.copyOf(before, 18), java.util.Arrays.copyOf(after, 18),
                "the estimate's 2·L² values are unchanged");
        Policy plain = Policies.parse("splitee-s:side=learned", config);
        Plan q = plain.choose();
        assertEquals(3, q.arm());
        plain.record(played(q, hard));
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(before, 18),
                java.util.Arrays.copyOf(plain.snapshot().memory(), 18)), "a play of L at full depth counts");
    }

    @Test
    void outcomeValidatesTheChosenArm() {
        double u = Outcome.UNOBSERVED;
        assertThrows(IllegalArgumentException.class, () -> new Outcome(2, false, new double[] {0.1, 0.9, u}, 1));
        assertThrows(IllegalArgumentException.class, () -> new Outcome(2, false, new double[] {0.1, 0.9, u}, 4));
        assertThrows(IllegalArgumentException.class, () -> new Outcome(1, true, new double[] {0.1, u, 0.9}, 2),
                "a sample that stopped before its chosen arm left on the device");
        assertEquals(3, new Outcome(2, false, new double[] {0.1, 0.9, u}, 3).chosen());
        assertEquals(2, new Outcome(2, false, new double[] {0.1, 0.9, u}).chosen());
    }
}
