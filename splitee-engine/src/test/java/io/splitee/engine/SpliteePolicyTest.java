package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpliteePolicyTest {

    private final EngineConfig config = HandTrace.config();

    /**
     * SplitEE on the hand trace (see {@link HandTrace} for the rewards), c = 1.
     * <pre>
     * t=1..3: round robin, arms 1, 2, 3; rewards 0.8125 (C1=0.875 ≥ α, exits),
     *         0.5 (C2=0.625 &lt; α, offloaded: C3 − 0.375), 0.5 (arm 3: C3 − 0.1875).
     *         Q = (0.8125, 0.5, 0.5), N = (1, 1, 1).
     * t=4: all N = 1, equal bonus sqrt(ln 4) = 1.177410; indexes 1.989910, 1.677410, 1.677410 → arm 1.
     *      Row 4: C1 = 0.5 &lt; α → offloaded, reward 0.5625 − 0.3125 = 0.25. Q1 = 1.0625, N1 = 2.
     * t=5: arm 1: 0.53125 + sqrt(ln 5 / 2) = 0.53125 + 0.897061 = 1.428311;
     *      arms 2 and 3: 0.5 + sqrt(ln 5) = 1.768636 each, a bit-exact TIE → smallest, arm 2.
     *      Row 5: C2 = 0.875 ≥ α → exits, reward 0.875 − 0.125 = 0.75. Q2 = 1.25, N2 = 2.
     * t=6: arm 1: 0.53125 + sqrt(ln 6 / 2) = 1.477759; arm 2: 0.625 + 0.946509 = 1.571509;
     *      arm 3: 0.5 + sqrt(ln 6) = 1.838566 → arm 3 (the bonus beats the lowest mean).
     *      Row 6: reward 0.875 − 0.1875 = 0.6875. Q = (1.0625, 1.25, 1.1875), N = (2, 2, 2).
     * </pre>
     */
    @Test
    void followsTheHandWorkedTrace() {
        Policy policy = Policies.parse("splitee", config);
        int[] expectedArms = {1, 2, 3, 1, 2, 3};
        double[] expectedRewards = {0.8125, 0.5, 0.5, 0.25, 0.75, 0.6875};
        boolean[] expectedOffloaded = {false, true, false, true, false, false};
        double[] q = new double[3];
        long[] n = new long[3];
        for (int t = 0; t < 6; t++) {
            int arm = policy.choose().arm();
            assertEquals(expectedArms[t], arm, "arm at t=" + (t + 1));
            Outcome outcome = HandTrace.outcome(config, arm, HandTrace.ROWS[t]);
            assertEquals(expectedOffloaded[t], outcome.offloaded(), "offloaded at t=" + (t + 1));
            assertEquals(expectedRewards[t], outcome.reward(arm, config).orElseThrow(), 0.0, "reward at t=" + (t + 1));
            policy.record(outcome);
            q[arm - 1] += expectedRewards[t];
            n[arm - 1]++;
            PolicyState s = policy.snapshot();
            assertArrayEquals(q, s.rewardSums(), 0.0, "Q after t=" + (t + 1));
            assertArrayEquals(n, s.updateCounts(), "N after t=" + (t + 1));
            assertEquals(t + 1, s.round());
        }
        assertArrayEquals(new double[] {1.0625, 1.25, 1.1875}, policy.snapshot().rewardSums(), 0.0);
    }

    /** Every full-information reward of the table in {@link HandTrace}. */
    @Test
    void rewardsMatchTheTable() {
        for (int row = 0; row < 6; row++) {
            Outcome o = HandTrace.outcome(config, 3, HandTrace.ROWS[row]);
            for (int arm = 1; arm <= 3; arm++) {
                assertEquals(HandTrace.REWARDS[row][arm - 1], o.reward(arm, config).orElseThrow(), 0.0,
                        "row " + (row + 1) + " arm " + arm);
            }
        }
    }

    /**
     * With no outcomes recorded, after the round robin every arm is unexplored (infinite index)
     * and the smallest wins; with identical Q and N the smallest arm wins too.
     */
    @Test
    void tiesGoToTheSmallestArm() {
        Policy policy = Policies.parse("splitee", config);
        assertEquals(1, policy.choose().arm());
        assertEquals(2, policy.choose().arm());
        assertEquals(3, policy.choose().arm());
        assertEquals(1, policy.choose().arm(), "nothing recorded: all unexplored, smallest");
        // identical rewards on all arms: row 1 gives 0.8125 for every arm
        Policy equal = Policies.parse("splitee", config);
        for (int t = 0; t < 3; t++) {
            equal.record(HandTrace.outcome(config, equal.choose().arm(), HandTrace.ROWS[0]));
        }
        assertEquals(1, equal.choose().arm());
        // record that t=4 choice: N1 = 2 lowers arm 1's bonus, so arms 2 and 3 (equal Q and
        // N = 1, bit-identical indexes 0.8125 + sqrt(ln 5) = 2.081) tie above it
        equal.record(HandTrace.outcome(config, 1, HandTrace.ROWS[0]));
        assertEquals(2, equal.choose().arm(), "arms 2 and 3 tie with the larger bonus");
    }

    /** An arm whose outcome is still pending keeps an infinite index after the round robin. */
    @Test
    void pendingOutcomeLeavesArmUnexplored() {
        Policy policy = Policies.parse("splitee", config);
        policy.choose().arm();
        int second = policy.choose().arm();
        policy.choose().arm();
        policy.record(HandTrace.outcome(config, 1, HandTrace.ROWS[0]));
        policy.record(HandTrace.outcome(config, 3, HandTrace.ROWS[0]));
        assertEquals(second, policy.choose().arm());
        assertEquals(2, second);
    }

    /** c = 0 is pure exploitation: after the round robin, the best mean only. */
    @Test
    void zeroExplorationIsGreedy() {
        EngineConfig greedy = new EngineConfig(3, HandTrace.ALPHA, new PaperCost(HandTrace.LAMBDA, HandTrace.OFFLOAD), 0.0, 0L);
        Policy policy = Policies.parse("splitee", greedy);
        for (int t = 0; t < 6; t++) {
            int arm = policy.choose().arm();
            // means after t=3: (0.8125, 0.5, 0.5); arm 1 stays best: 1.0625/2 = 0.53125 > 0.5,
            // then (0.53125+...) row 5 arm 1 reward 0.875 → 1.9375/3 = 0.6458 > 0.5
            if (t >= 3) {
                assertEquals(1, arm, "t=" + (t + 1));
            }
            policy.record(HandTrace.outcome(greedy, arm, HandTrace.ROWS[t]));
        }
    }

    @Test
    void sameInputsSameChoices() {
        for (String spec : new String[] {"splitee", "splitee-s", "random"}) {
            int[] a = run(spec, 7L);
            int[] b = run(spec, 7L);
            assertArrayEquals(a, b, spec);
        }
    }

    static int[] run(String spec, long seed) {
        EngineConfig cfg = new EngineConfig(3, HandTrace.ALPHA, new PaperCost(HandTrace.LAMBDA, HandTrace.OFFLOAD), 1.0, seed);
        Policy policy = Policies.parse(spec, cfg);
        int[] arms = new int[60];
        for (int t = 0; t < arms.length; t++) {
            arms[t] = policy.choose().arm();
            policy.record(HandTrace.outcome(cfg, arms[t], HandTrace.ROWS[t % 6]));
        }
        return arms;
    }
}
