package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * side=learned's probe rule, hand-worked on the hand config (3 arms, α = 3/4, λ = 1/16, o = 1/4): a probe is
 * made at a square round, within the budget 0.3·√t, and only while the C_L estimate's bias bound reaches the
 * gap between an arm below the chosen one and the chosen one.
 */
class ProbeRuleTest {

    private static final EngineConfig CONFIG = HandTrace.config();
    private static final double U = Outcome.UNOBSERVED;

    /**
     * FinalEstimate's bias bound. 10 full-depth samples with C = (0.5, 0.75, C_3), C_3 = 0.75 five times and 1
     * five times (the pair (1, 2): C_1 &lt; α ≤ C_2; C_3 − C_2 = 0 or 0.25), and 2 with C = (0.875, 0.875, 1)
     * (not the pair: C_1 ≥ α). The pair's mean 0.125, mean square 0.03125, variance 0.015625, sample variance
     * 0.015625·10/9, so the width is 2·sqrt(0.015625·10/9 / 10) = 2·0.125/3 = 1/12; the share
     * (10 + 1)/(12 + 1) = 11/13; the bias bound 11/156 = 0.0705128. With 9 pair samples (and no other) the width
     * is 1 (under MIN_PAIR = 10) and the share (9 + 1)/(9 + 1) = 1.
     */
    @Test
    void biasBoundHandWorked() {
        FinalEstimate e = new FinalEstimate(3);
        for (int i = 0; i < 9; i++) {
            e.learn(new Outcome(3, false, new double[] {0.5, 0.75, i % 2 == 0 ? 0.75 : 1.0}), CONFIG);
        }
        assertEquals(1, e.width(1, 2), 0.0);
        assertEquals(1, e.share(1, 2), 0.0);
        e.learn(new Outcome(3, false, new double[] {0.5, 0.75, 1.0}), CONFIG);
        e.learn(new Outcome(3, false, new double[] {0.875, 0.875, 1.0}), CONFIG);
        e.learn(new Outcome(3, false, new double[] {0.875, 0.875, 1.0}), CONFIG);
        assertEquals(1.0 / 12, e.width(1, 2), 1e-15);
        assertEquals(11.0 / 13, e.share(1, 2), 1e-15);
        assertEquals(11.0 / 156, e.bias(1, 2), 1e-15);
        // the estimate itself is unchanged by the new bookkeeping: C_2 + mean of the pair
        assertEquals(0.75 + 0.125, e.finalConfidence(1, 2, 0.75), 1e-15);
        // a probe for arm 2 is due while the bound reaches the gap between arms 1 and 2
        assertTrue(e.needsProbe(2, new double[] {0, 0.0705}));
        assertFalse(e.needsProbe(2, new double[] {0, 0.0706}));
        assertFalse(e.needsProbe(2, new double[] {0, Double.POSITIVE_INFINITY}), "arm 1 unobserved: no probe for it");
    }

    /** A state of the first layout (no squares, no count of full-depth samples) reads as unknown: width 1, share 1. */
    @Test
    void firstLayoutReadsAsUnknown() {
        FinalEstimate e = new FinalEstimate(3);
        double[] m = new double[18];
        m[1] = 12 * 0.125; // sums (1, 2)
        m[9 + 1] = 12;     // counts (1, 2)
        m[4] = 12 * 0.125; // sums (2, 2)
        m[9 + 4] = 12;     // counts (2, 2)
        e.load(m, 0);
        assertEquals(1, e.width(1, 2), 0.0);
        assertEquals(1, e.share(1, 2), 0.0);
        assertEquals(0.875, e.finalConfidence(1, 2, 0.75), 1e-15);
    }

    /** The budget: 0.3·√t by round t, spent as probes are made. */
    @Test
    void budgetHandWorked() {
        FinalEstimate e = new FinalEstimate(3);
        assertTrue(e.affords(0.5, 4));      // 0.5 ≤ 0.3·2 = 0.6
        e.spend(0.5);
        assertFalse(e.affords(0.5, 9));     // 1.0 > 0.9
        assertTrue(e.affords(0.5, 16));     // 1.0 ≤ 1.2
        assertEquals(0.5, e.memory()[8], 0.0, "spent, at sums (L, L)");
    }

    /**
     * Four rounds of splitee-s:side=learned. Round 1 plays arm 3 (deepest unobserved) on C = (0.5, 0.75, C_3):
     * arm 3 earns C_3 − 0.1875, arm 2 0.75 − 0.125 = 0.625 (C_2 = α exits), arm 1 offloads: C_3 − 0.3125; the
     * estimate learns D = C_3 − 0.75. With C_3 = 0.25: means (−0.0625, 0.625, 0.0625), every count 1, so round 2
     * plays arm 2 (equal bonuses); it exits at 2 on C = (0.5, 0.75, –), arm 1 credited with C_L estimated as
     * 0.75 + D = 0.25: −0.0625 again. Round 3: indices −0.0625 + sqrt(ln 3/2) = 0.679, 0.625 + 0.741 = 1.366,
     * 0.0625 + sqrt(ln 3) = 1.111 → arm 2, same sample. Round 4 (a square): indices 0.617, 0.625 + sqrt(ln 4/3)
     * = 1.305, 0.0625 + sqrt(ln 4) = 1.240 → arm 2 chosen; the probe's price is 0.625 − 0.0625 = 0.5625 ≤ the
     * budget 0.3·√4 = 0.6; the pair (1, 2) has 1 &lt; 10 samples, so its bias bound is 1 ≥ the gap 0.6875: a
     * probe, arm 3 with every exit on the way, and 0.5625 is spent. With C_3 = 0 instead, arm 3's mean is
     * −0.1875 and arm 1's −0.3125 (its index −0.3125 + sqrt(ln 2) = 0.520 is under the best mean 0.625 in round 2,
     * so exit 1 is not evaluated there; it is in round 3, 0.736, and arm 1 is credited 0 − 0.3125 with C_L estimated
     * as 0.75 − 0.75); at round 4 arm 3's index is 0.990, still below arm 2's, and the price 0.8125 exceeds the
     * budget 0.6: arm 2.
     */
    @Test
    void probeAtRoundFourWithinBudget() {
        UcbPolicy p = fourRounds(0.25);
        Plan plan = p.choose();
        assertEquals(3, plan.arm());
        assertTrue(plan.evaluatesOnTheWay(1) && plan.evaluatesOnTheWay(2));
        assertEquals(2, p.probedFor);
        assertEquals(0.5625, p.snapshot().memory()[8], 1e-15, "the budget spent");

        UcbPolicy dear = fourRounds(0.0);
        assertEquals(2, dear.choose().arm(), "price 0.8125 over the budget 0.6: no probe");
        assertEquals(0, dear.probedFor);
        assertEquals(0, dear.snapshot().memory()[8], 0.0);

        UcbPolicy off = fourRounds(0.25);
        off.probing = false;
        assertEquals(2, off.choose().arm());
    }

    /** Rounds 1..3 of {@link #probeAtRoundFourWithinBudget}, leaving round 4 to the caller. */
    private static UcbPolicy fourRounds(double c3) {
        UcbPolicy p = (UcbPolicy) Policies.parse("splitee-s:side=learned", CONFIG);
        assertEquals(3, p.choose().arm());
        p.record(new Outcome(3, false, new double[] {0.5, 0.75, c3}));
        for (int round = 2; round <= 3; round++) {
            Plan plan = p.choose();
            assertEquals(2, plan.arm(), "round " + round);
            // exit 1 is evaluated while arm 1's index reaches the best mean (0.625)
            assertEquals(c3 != 0 || round == 3, plan.evaluatesOnTheWay(1), "round " + round);
            p.record(new Outcome(2, false, new double[] {plan.evaluatesOnTheWay(1) ? 0.5 : U, 0.75, U}));
        }
        assertEquals(c3 == 0 ? -0.3125 * 2 : -0.0625 * 3, p.snapshot().rewardSums()[0], 1e-15);
        return p;
    }
}
