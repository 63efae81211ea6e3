package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpliteeSPolicyTest {

    private final EngineConfig config = HandTrace.config();

    /**
     * SplitEE-S on the hand trace: after each sample every arm j below the played arm is also
     * credited with its own reward (replay knows every confidence).
     * <pre>
     * t=1 arm 1: Q = (0.8125, 0, 0), N = (1, 0, 0)
     * t=2 arm 2: +0.5; side r1 = 0.5625 → Q = (1.375, 0.5, 0), N = (2, 1, 0)
     * t=3 arm 3: +0.5; side r1 = 0.375, r2 = 0.625 → Q = (1.75, 1.125, 0.5), N = (3, 2, 1)
     * t=4: 0.583333 + sqrt(ln4/3) = 1.263111; 0.5625 + sqrt(ln4/2) = 1.395055;
     *      0.5 + sqrt(ln4) = 1.677410 → arm 3. +0.375; sides 0.25, 0.6875
     *      → Q = (2.0, 1.8125, 0.875), N = (4, 3, 2)
     * t=5: 0.5 + sqrt(ln5/4) = 1.134318; 0.604167 + sqrt(ln5/3) = 1.336614;
     *      0.4375 + sqrt(ln5/2) = 1.334561 → arm 2. +0.75; side r1 = 0.875 (C1 = 0.9375 exits)
     *      → Q = (2.875, 2.5625, 0.875), N = (5, 4, 2)
     * t=6: 0.575 + sqrt(ln6/5) = 1.173625; 0.640625 + sqrt(ln6/4) = 1.309908;
     *      0.4375 + sqrt(ln6/2) = 1.384009 → arm 3. +0.6875; sides 0.5625, 0.5
     *      → Q = (3.4375, 3.0625, 1.5625), N = (6, 5, 3)
     * </pre>
     */
    @Test
    void creditsSideObservations() {
        Policy policy = Policies.parse("splitee-s", config);
        int[] expectedArms = {1, 2, 3, 3, 2, 3};
        double[][] expectedQ = {
            {0.8125, 0, 0}, {1.375, 0.5, 0}, {1.75, 1.125, 0.5},
            {2.0, 1.8125, 0.875}, {2.875, 2.5625, 0.875}, {3.4375, 3.0625, 1.5625},
        };
        long[][] expectedN = {{1, 0, 0}, {2, 1, 0}, {3, 2, 1}, {4, 3, 2}, {5, 4, 2}, {6, 5, 3}};
        for (int t = 0; t < 6; t++) {
            int arm = policy.choose();
            assertEquals(expectedArms[t], arm, "arm at t=" + (t + 1));
            policy.record(HandTrace.outcome(config, arm, HandTrace.ROWS[t]));
            PolicyState s = policy.snapshot();
            assertArrayEquals(expectedQ[t], s.rewardSums(), 0.0, "Q after t=" + (t + 1));
            assertArrayEquals(expectedN[t], s.updateCounts(), "N after t=" + (t + 1));
        }
    }

    /**
     * The live rule: on a device that exited at arm a without offloading, C_L is unknown; a
     * side arm j &lt; a is credited iff C_j was observed and C_j ≥ α.
     */
    @Test
    void liveSideObservationsNeedConfidentExitOrFinalConfidence() {
        double u = Outcome.UNOBSERVED;
        Policy policy = Policies.parse("splitee-s", config);
        // 4 exits, so that arm 3 can exit on the device with two side arms below it
        EngineConfig four = new EngineConfig(4, HandTrace.ALPHA, new PaperCost(HandTrace.LAMBDA, HandTrace.OFFLOAD));
        Policy p4 = Policies.parse("splitee-s", four);
        // a = 3, C3 = 0.875 ≥ α: exits on device, C4 unknown. C1 = 0.8 ≥ α → credited 0.8 − 0.0625;
        // C2 = 0.5 < α → would need C4 → not credited.
        p4.record(new Outcome(3, false, new double[] {0.8, 0.5, 0.875, u}));
        assertArrayEquals(new long[] {1, 0, 1, 0}, p4.snapshot().updateCounts());
        assertArrayEquals(new double[] {0.8 - 0.0625, 0, 0.875 - 0.1875, 0}, p4.snapshot().rewardSums(), 1e-15);
        // a = 3 offloaded (C3 = 0.5 < α), C4 = 0.9 known: both side arms credited:
        // j=1 C1 = 0.8 exits: 0.8 − 0.0625; j=2 C2 = 0.6 < α: 0.9 − (0.125 + 0.25)
        p4.record(new Outcome(3, true, new double[] {0.8, 0.6, 0.5, 0.9}));
        assertArrayEquals(new long[] {2, 1, 2, 0}, p4.snapshot().updateCounts());
        assertEquals(0.9 - 0.375, p4.snapshot().rewardSums()[1], 1e-15);
        // intermediate exits not evaluated (plain SplitEE on a device): no side credit
        p4.record(new Outcome(3, false, new double[] {u, u, 0.875, u}));
        assertArrayEquals(new long[] {2, 1, 3, 0}, p4.snapshot().updateCounts());
        // on 3 exits, arm 3 (final) always knows C_L: side arm 2 with C2 < α is credited
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
