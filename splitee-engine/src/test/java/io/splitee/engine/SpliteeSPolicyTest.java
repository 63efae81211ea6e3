package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpliteeSPolicyTest {

    private final EngineConfig config = HandTrace.config();

    /**
     * SplitEE-S on the hand trace, fed what the device observes ({@link HandTrace#observed}). The
     * first round plays arm L = 3, which observes every arm; after each sample every arm j below
     * the played arm is also credited; when the played sample exited early, C_L is estimated by
     * C_arm (t=3).
     * <pre>
     * t=1 arm 3 (row 1, all known): +0.8125; sides r1 = 0.8125, r2 = 0.8125 → Q = (.8125, .8125, .8125), N = (1, 1, 1)
     * t=2 indices equal (0.8125 + sqrt(ln 2)) → arm 1 (smallest). Row 2: C1 = .5 offloads, C3 = .875:
     *      +0.5625 → Q = (1.375, .8125, .8125), N = (2, 1, 1)
     * t=3: 0.6875 + sqrt(ln3/2) = 1.428654; 0.8125 + sqrt(ln3) = 1.860647 for arms 2 and 3 → arm 2.
     *      Row 3: C2 = .75 exits (+0.625), C3 not computed. Side j=1: C1 = .25 &lt; α would offload;
     *      C_L estimated by C2 = .75: .75 − .3125 = .4375 → Q = (1.8125, 1.4375, .8125), N = (3, 2, 1)
     * t=4: 1.283940; 1.551305; 0.8125 + sqrt(ln4) = 1.989910 → arm 3. Row 4: +0.375; sides
     *      .5625 − .3125 = .25, .8125 − .125 = .6875 → Q = (2.0625, 2.125, 1.1875), N = (4, 3, 2)
     * t=5: 1.149941; 1.440781; 0.59375 + sqrt(ln5/2) = 1.490811 → arm 3. Row 5: +0.75; sides .875, .75
     *      → Q = (2.9375, 2.875, 1.9375), N = (5, 4, 3)
     * t=6: 1.186125; 1.388033; 0.645833 + sqrt(ln6/3) = 1.418654 → arm 3. Row 6: +0.6875; sides
     *      .875 − .3125 = .5625, .875 − .375 = .5 → Q = (3.5, 3.375, 2.625), N = (6, 5, 4)
     * </pre>
     */
    @Test
    void creditsSideObservations() {
        Policy policy = Policies.parse("splitee-s", config);
        int[] expectedArms = {3, 1, 2, 3, 3, 3};
        double[][] expectedQ = {
            {0.8125, 0.8125, 0.8125}, {1.375, 0.8125, 0.8125}, {1.8125, 1.4375, 0.8125},
            {2.0625, 2.125, 1.1875}, {2.9375, 2.875, 1.9375}, {3.5, 3.375, 2.625},
        };
        long[][] expectedN = {{1, 1, 1}, {2, 1, 1}, {3, 2, 1}, {4, 3, 2}, {5, 4, 3}, {6, 5, 4}};
        for (int t = 0; t < 6; t++) {
            int arm = policy.choose().arm();
            assertEquals(expectedArms[t], arm, "arm at t=" + (t + 1));
            policy.record(HandTrace.observed(config, arm, HandTrace.ROWS[t]));
            PolicyState s = policy.snapshot();
            assertArrayEquals(expectedQ[t], s.rewardSums(), 0.0, "Q after t=" + (t + 1));
            assertArrayEquals(expectedN[t], s.updateCounts(), "N after t=" + (t + 1));
        }
    }

    /**
     * Until every arm has an observation SplitEE-S plays the deepest unobserved arm; a shallow
     * play that exits early leaves deeper arms unobserved, and a restored state is checked again.
     */
    @Test
    void playsTheDeepestUnobservedArmFirst() {
        double u = Outcome.UNOBSERVED;
        EngineConfig four = new EngineConfig(4, HandTrace.ALPHA, new PaperCost(HandTrace.LAMBDA, HandTrace.OFFLOAD));
        Policy p = Policies.parse("splitee-s", four);
        assertEquals(4, p.choose().arm());
        // the answer for arm 4 is still out; arm 4 has no observation yet, so the next choice is arm 4 again
        assertEquals(4, p.choose().arm());
        PolicyState fresh = p.snapshot();
        p.record(new Outcome(4, false, new double[] {0.9, 0.9, 0.9, 0.9}));
        assertArrayEquals(new long[] {1, 1, 1, 1}, p.snapshot().updateCounts());
        assertEquals(1, p.choose().arm()); // UCB: equal bonuses, arm 1 has the largest mean (least cost)
        // a restored state without observations starts over at the deepest arm
        Policy restored = Policies.restore(fresh, four);
        assertEquals(4, restored.choose().arm());
        // plain SplitEE keeps the paper's round robin 1..L
        Policy plain = Policies.parse("splitee", four);
        assertEquals(1, plain.choose().arm());
        assertEquals(2, plain.choose().arm());
        // an arm-2 sample that exited early observes arms 1 and 2 only: arm 4, then 3, are still unplayed
        Policy q = Policies.parse("splitee-s", four);
        q.record(new Outcome(2, false, new double[] {0.9, 0.8, u, u}));
        assertEquals(4, q.choose().arm());
        q.record(new Outcome(4, false, new double[] {0.9, 0.8, u, 0.9}));
        assertEquals(3, q.choose().arm());
    }

    /**
     * Exits on the way are evaluated only for arms still in contention: index ≥ the best mean.
     * After t=1 of the hand trace (arm 3, Q = N = (.8125, 1) for all, see above) every index at t=2
     * is .8125 + sqrt(ln 2) ≥ .8125: arm 1 is chosen and has no exit below it. Fed an outcome that
     * makes arm 1 poor, arm 3 chosen: exit 1 is skipped once its index falls below the best mean.
     */
    @Test
    void evaluatesOnlyExitsOfArmsInContention() {
        EngineConfig c = new EngineConfig(3, HandTrace.ALPHA, new PaperCost(HandTrace.LAMBDA, HandTrace.OFFLOAD), 0.1, 1);
        Policy p = Policies.parse("splitee-s", c);
        Plan first = p.choose();
        assertEquals(3, first.arm());
        // the first round observes every arm: every exit on the way is evaluated
        assertTrue(first.evaluatesOnTheWay(1) && first.evaluatesOnTheWay(2));
        assertFalse(first.evaluatesOnTheWay(3) || first.evaluatesOnTheWay(0) || first.evaluatesOnTheWay(4));
        // row 4: r1 = .25, r2 = .6875, r3 = .375 → means (.25, .6875, .375)
        p.record(HandTrace.observed(c, 3, HandTrace.ROWS[3]));
        // t=2, c = 0.1: indices .25 + .1·sqrt(ln 2) = .3333, .6875 + .0833 = .7708, .375 + .0833 = .4583 → arm 2;
        // below it arm 1's index .3333 < best mean .6875: exit 1 is not evaluated
        Plan second = p.choose();
        assertEquals(2, second.arm());
        assertFalse(second.evaluatesOnTheWay(1));
        // plain SplitEE evaluates nothing on the way; the early-exit baseline everything
        Policy plain = Policies.parse("splitee", c);
        assertFalse(plain.choose().evaluatesOnTheWay(1));
        assertTrue(Policies.parse("early-exit", c).choose().evaluatesOnTheWay(1));
        assertFalse(PolicySpec.parse("splitee-s").has(Characteristic.EVALUATES_EVERY_EXIT));
        assertTrue(PolicySpec.parse("early-exit").has(Characteristic.EVALUATES_EVERY_EXIT));
    }

    /**
     * The live rule: on a device that exited at arm a without offloading, C_L is unknown; a side
     * arm j &lt; a with C_j ≥ α is credited its exit, one with C_j &lt; α its offload answered with
     * C_a standing in for C_L; an exit that was not evaluated gives no credit.
     */
    @Test
    void liveSideObservationsEstimateTheFinalConfidence() {
        double u = Outcome.UNOBSERVED;
        Policy policy = Policies.parse("splitee-s", config);
        // 4 exits, so that arm 3 can exit on the device with two side arms below it
        EngineConfig four = new EngineConfig(4, HandTrace.ALPHA, new PaperCost(HandTrace.LAMBDA, HandTrace.OFFLOAD));
        Policy p4 = Policies.parse("splitee-s", four);
        // a = 3, C3 = 0.875 ≥ α: exits on device, C4 unknown. C1 = 0.8 ≥ α → 0.8 − 0.0625;
        // C2 = 0.5 < α → offload answered with C4 ≈ C3 = 0.875: 0.875 − (0.125 + 0.25)
        p4.record(new Outcome(3, false, new double[] {0.8, 0.5, 0.875, u}));
        assertArrayEquals(new long[] {1, 1, 1, 0}, p4.snapshot().updateCounts());
        assertArrayEquals(new double[] {0.8 - 0.0625, 0.875 - 0.375, 0.875 - 0.1875, 0}, p4.snapshot().rewardSums(),
                1e-15);
        // a = 3 offloaded (C3 = 0.5 < α), C4 = 0.9 known: both side arms credited with it where needed:
        // j=1 C1 = 0.8 exits: 0.8 − 0.0625; j=2 C2 = 0.6 < α: 0.9 − (0.125 + 0.25)
        p4.record(new Outcome(3, true, new double[] {0.8, 0.6, 0.5, 0.9}));
        assertArrayEquals(new long[] {2, 2, 2, 0}, p4.snapshot().updateCounts());
        assertEquals(0.875 - 0.375 + 0.9 - 0.375, p4.snapshot().rewardSums()[1], 1e-15);
        // intermediate exits not evaluated: no side credit
        p4.record(new Outcome(3, false, new double[] {u, u, 0.875, u}));
        assertArrayEquals(new long[] {2, 2, 3, 0}, p4.snapshot().updateCounts());
        // on 3 exits, arm 3 (final) always knows C_L: side arm 2 with C2 < α is credited with it
        policy.record(new Outcome(3, false, new double[] {u, 0.5, 0.75}));
        assertArrayEquals(new long[] {0, 1, 1}, policy.snapshot().updateCounts());
        assertArrayEquals(new double[] {0, 0.75 - 0.375, 0.75 - 0.1875}, policy.snapshot().rewardSums(), 1e-15);
    }

    /** Plain SplitEE never credits side arms, even with every confidence known. */
    @Test
    void spliteeHasNoSideObservations() {
        Policy policy = Policies.parse("splitee", config);
        policy.record(HandTrace.outcome(config, 3, HandTrace.ROWS[0]));
        assertArrayEquals(new long[] {0, 0, 1}, policy.snapshot().updateCounts());
    }
}
