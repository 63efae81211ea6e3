package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The price band (issue 15): under drifting prices known to within a tolerance ({@link CostModel#tolerance()}), the
 * arm the index chose last is kept while its index is within tolerance × its mean price of the best; a difference
 * smaller than that is noise in the estimates. Without a tolerance, and under fixed prices, the plain argmax.
 */
class PriceBandTest {

    /** α = 1/2, c = 0 (the index is the priced mean). Every sample: C_1 = C_2 = C_3 = 0.9, each arm exits on the device. */
    private static final double[] ROW = {0.9, 0.9, 0.9};

    /**
     * Samples 1..3 play arms 1, 2, 3 (SplitEE's round robin), each answered on the device with a term of 0.9, at
     * device prices p = (1.00, 1.01, 2.00). Sample 4: means 0.9 − p = −0.10, −0.11, −1.10: arm 1, which the index now
     * holds. Then arm 1's price moves:
     * <ul>
     *   <li>p_1 = 1.015: arm 1's mean −0.115, arm 2's −0.11, 0.005 better; the band is 0.02 × 1.015 = 0.0203, so
     *       arm 1 is kept (without a tolerance: arm 2);</li>
     *   <li>p_1 = 1.05: arm 1's mean −0.15, 0.04 below arm 2's, more than the band 0.021: arm 2;</li>
     *   <li>p_1 = 1.00 again: arm 1's mean −0.10, 0.01 above arm 2's, within arm 2's band 0.02 × 1.01 = 0.0202: arm 2
     *       is kept (the band works both ways);</li>
     *   <li>p_1 = 0.98: arm 1 −0.08, 0.03 above: arm 1.</li>
     * </ul>
     */
    @Test
    void thePlayedArmIsKeptInsideItsBandByHand() {
        assertEquals("1 1 2 2 1", plays(0.02));
        assertEquals("1 2 2 1 1", plays(0), "no tolerance: the plain argmax");
    }

    private static String plays(double tolerance) {
        double[] p = {0, 1.00, 1.01, 2.00};
        CostModel m = CostModel.drifting((arm, offloaded) -> p[arm] + (offloaded ? 1 : 0), tolerance);
        EngineConfig config = new EngineConfig(3, 0.5, m, 0.0, 0);
        Policy policy = Policies.parse("splitee", config);
        for (int t = 1; t <= 3; t++) {
            Plan plan = policy.choose();
            assertEquals(t, plan.arm());
            policy.record(HandTrace.outcome(config, plan.arm(), ROW));
        }
        StringBuilder b = new StringBuilder();
        for (double p1 : new double[] {1.00, 1.015, 1.05, 1.00, 0.98}) {
            p[1] = p1;
            Plan plan = policy.choose();
            b.append(b.length() == 0 ? "" : " ").append(plan.arm());
            policy.record(HandTrace.outcome(config, plan.arm(), ROW));
        }
        return b.toString();
    }

    /**
     * The band is the tolerance times the arm's mean price now, offloads included: one sample on the device at 0.4
     * and three offloaded at 0.4 + 2.0: (0.4 + 3 × 2.4) / 4 = 1.9, so a band of 0.05 × 1.9 = 0.095.
     */
    @Test
    void theBandIsTheToleranceOfTheArmsMeanPrice() {
        SampleMeanStatistics s = new SampleMeanStatistics(2); // arm 1 of 2: arm L never offloads
        s.update(1, 0, 0.9, false);
        for (int i = 0; i < 3; i++) {
            s.update(1, 0, 0.95, true);
        }
        CostModel m = CostModel.drifting((arm, offloaded) -> 0.4 + (offloaded ? 2.0 : 0), 0.05);
        assertEquals(0.095, Prices.of(new EngineConfig(2, 0.5, m)).band(s, 1), 1e-12);
        assertEquals(0.0, Prices.RECORDED.band(s, 1), 0.0, "fixed prices: no band");
        assertEquals(0.0, Prices.of(new EngineConfig(2, 0.5, CostModel.drifting(m))).band(s, 1), 0.0, "no tolerance");
    }

    @Test
    void aToleranceOutsideZeroToOneIsRefused() {
        CostModel prices = (arm, offloaded) -> arm;
        assertThrows(IllegalArgumentException.class, () -> CostModel.drifting(prices, -0.01));
        assertThrows(IllegalArgumentException.class, () -> CostModel.drifting(prices, 1.0));
        assertThrows(IllegalArgumentException.class, () -> CostModel.drifting(prices, Double.NaN));
        assertEquals(0.25, CostModel.drifting(prices, 0.25).tolerance(), 0.0);
        assertEquals(0.0, new PaperCost(0.01, 0.3).tolerance(), 0.0, "fixed prices have none");
    }
}
