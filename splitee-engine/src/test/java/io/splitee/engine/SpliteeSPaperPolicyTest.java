package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The published SplitEE-S ({@code splitee-s-paper}) and the authors' start, on {@link HandTrace}. */
class SpliteeSPaperPolicyTest {

    private final EngineConfig config = HandTrace.config();

    /**
     * splitee-s-paper on the hand trace (rewards in {@link HandTrace}), c = 1, every C known (the replay's
     * view for this policy: the trace's C_L on every sample).
     * <pre>
     * t=1: arm 1 (round robin). r1 = 0.8125. No lower arm.            Q = (0.8125, 0, 0),    N = (1, 0, 0)
     * t=2: arm 2. Row 2: C2 = 0.625 &lt; α, offloaded, r2 = 0.875 − 0.375 = 0.5;
     *      side arm 1: C1 = 0.5 &lt; α, r1 = C3 − 0.3125 = 0.5625.        Q = (1.375, 0.5, 0),   N = (2, 1, 0)
     * t=3: arm 3. Row 3: r3 = 0.6875 − 0.1875 = 0.5; side r1 = 0.375, r2 = 0.625 (C2 = α exits).
     *                                                                  Q = (1.75, 1.125, 0.5), N = (3, 2, 1)
     * t=4: ln 4 = 1.386294. arm 1: 0.583333 + sqrt(1.386294/3) 0.679778 = 1.263111;
     *      arm 2: 0.5625 + sqrt(1.386294/2) 0.832555 = 1.395055; arm 3: 0.5 + 1.177410 = 1.677410 → arm 3.
     *      Row 4: r3 = 0.375, side r1 = 0.25, r2 = 0.6875.           Q = (2, 1.8125, 0.875), N = (4, 3, 2)
     * t=5: ln 5 = 1.609438. arm 1: 0.5 + 0.634318 = 1.134318; arm 2: 0.604167 + 0.732447 = 1.336614;
     *      arm 3: 0.4375 + 0.897061 = 1.334561 → arm 2 (by 0.002).
     *      Row 5: C2 = 0.875 ≥ α exits, r2 = 0.75; side r1 = 0.875.   Q = (2.875, 2.5625, 0.875), N = (5, 4, 2)
     * t=6: ln 6 = 1.791759. arm 1: 0.575 + 0.598625 = 1.173625; arm 2: 0.640625 + 0.669283 = 1.309908;
     *      arm 3: 0.4375 + 0.946509 = 1.384009 → arm 3.
     *      Row 6: r3 = 0.6875, side r1 = 0.5625, r2 = 0.5.           Q = (3.4375, 3.0625, 1.5625), N = (6, 5, 3)
     * </pre>
     * Plain SplitEE plays 1, 2, 3, 1, 2, 3 on the same rows ({@link SpliteePolicyTest}): the side
     * observations of t = 2, 3 make arm 1 look worse at t = 4.
     */
    @Test
    void followsTheHandWorkedTrace() {
        Policy policy = Policies.parse("splitee-s-paper", config);
        int[] expectedArms = {1, 2, 3, 3, 2, 3};
        double[][] q = {{0.8125, 0, 0}, {1.375, 0.5, 0}, {1.75, 1.125, 0.5}, {2, 1.8125, 0.875},
            {2.875, 2.5625, 0.875}, {3.4375, 3.0625, 1.5625}};
        long[][] n = {{1, 0, 0}, {2, 1, 0}, {3, 2, 1}, {4, 3, 2}, {5, 4, 2}, {6, 5, 3}};
        for (int t = 0; t < 6; t++) {
            Plan plan = policy.choose();
            assertEquals(expectedArms[t], plan.arm(), "arm at t=" + (t + 1));
            for (int j = 1; j < plan.arm(); j++) {
                assertTrue(plan.evaluatesOnTheWay(j), "the published algorithm evaluates every exit below the arm");
            }
            policy.record(HandTrace.outcome(config, plan.arm(), HandTrace.ROWS[t]));
            PolicyState s = policy.snapshot();
            assertArrayEquals(q[t], s.rewardSums(), 0.0, "Q after t=" + (t + 1));
            assertArrayEquals(n[t], s.updateCounts(), "N after t=" + (t + 1));
        }
    }

    /**
     * On an early exit the live view has no C_L; splitee-s-paper credits a lower arm only when its reward is
     * determined (nothing stands in for C_L), unlike splitee-s. Row 4 played at arm 2
     * (C2 = 0.8125 ≥ α exits): arm 1 has C1 = 0.5 &lt; α and needs C_L, so it is not credited.
     */
    @Test
    void estimatesNothingWhenTheFinalConfidenceIsMissing() {
        Policy policy = Policies.parse("splitee-s-paper", config);
        policy.choose();
        policy.record(HandTrace.outcome(config, 1, HandTrace.ROWS[0]));
        policy.choose();
        policy.record(HandTrace.observed(config, 2, HandTrace.ROWS[3]));
        assertArrayEquals(new long[] {1, 1, 0}, policy.snapshot().updateCounts());
    }

    /**
     * The authors' start (init=authors): arm i scored on sample i, uncharged, no side observations; then
     * the loop over the samples from the first with ln(trial + 1), trial 0-based, i.e. ln(t − L).
     * <pre>
     * warm-up rows 1..3: Q = (0.8125, 0.5, 0.5), N = (1, 1, 1)
     * loop row 1 (ln 1 = 0): means 0.8125, 0.5, 0.5 → arm 1, r1 = 0.8125.  Q1 = 1.625, N1 = 2
     * loop row 2 (ln 2): arm 1 0.8125 + 0.588705 = 1.401205; arms 2, 3 0.5 + 0.832555 = 1.332555 → arm 1,
     *      r1 = 0.5625 (offloaded).                                         Q1 = 2.1875, N1 = 3
     * loop row 3 (ln 3): arm 1 0.729167 + 0.605148 = 1.334315; arms 2, 3 1.548147, a tie → arm 2; r2 = 0.625,
     *      side (splitee-s-paper) r1 = 0.375.                               Q = (2.5625, 1.125, 0.5), N = (4, 2, 1)
     * loop row 4 (ln 4): 1.229330, 1.395055, 1.677410 → arm 3.
     * loop row 5 (ln 5): 1.129851, 1.336614, 1.334561 → arm 2.  loop row 6 (ln 6): ..., 1.384009 → arm 3.
     * splitee:init=authors (no side observations): rows 4..6 give arms 3, 1 (1.461614 &gt; 1.459561), 2.
     * </pre>
     */
    @Test
    void authorsStart() {
        assertEquals(java.util.List.of(1, 2, 3, 1, 1, 2, 3, 2, 3), playAuthors("splitee-s-paper:init=authors"));
        assertEquals(java.util.List.of(1, 2, 3, 1, 1, 2, 3, 1, 2), playAuthors("splitee:init=authors"));
        assertTrue(PolicySpec.parse("splitee:init=authors").has(Characteristic.UNCHARGED_WARM_UP));
    }

    /** Warm-up on rows 1..L, then the loop over rows 1..6, as {@code Replay} drives it. */
    private java.util.List<Integer> playAuthors(String spec) {
        Policy policy = Policies.parse(spec, config);
        java.util.List<Integer> arms = new java.util.ArrayList<>();
        for (int s = 0; s < 9; s++) {
            double[] row = HandTrace.ROWS[s < 3 ? s : s - 3];
            int arm = policy.choose().arm();
            arms.add(arm);
            policy.record(HandTrace.outcome(config, arm, row));
        }
        return arms;
    }
}
