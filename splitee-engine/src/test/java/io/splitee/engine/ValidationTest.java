package io.splitee.engine;

import static io.splitee.engine.PolicyStateTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValidationTest {

    private final EngineConfig config = HandTrace.config();
    private static final double U = Outcome.UNOBSERVED;

    @Test
    void configFields() {
        CostModel cost = new PaperCost(0.01, 0.1);
        assertMessage("arms", () -> new EngineConfig(0, 0.8, cost));
        assertMessage("threshold", () -> new EngineConfig(3, 0.0, cost));
        assertMessage("threshold", () -> new EngineConfig(3, 1.01, cost));
        assertMessage("threshold", () -> new EngineConfig(3, Double.NaN, cost));
        assertMessage("explorationConstant", () -> new EngineConfig(3, 0.8, cost, -1, 0));
        assertMessage("explorationConstant", () -> new EngineConfig(3, 0.8, cost, Double.POSITIVE_INFINITY, 0));
        assertEquals(1.0, new EngineConfig(3, 1.0, cost).explorationConstant());
    }

    @Test
    void paperCost() {
        PaperCost c = new PaperCost(0.25, 0.5);
        assertEquals(0.75, c.cost(3, false));
        assertEquals(1.25, c.cost(3, true));
        assertMessage("lambda", () -> new PaperCost(-0.1, 0));
        assertMessage("lambda", () -> new PaperCost(Double.NaN, 0));
        assertMessage("offloadCost", () -> new PaperCost(0, -1));
        assertMessage("offloadCost", () -> new PaperCost(0, Double.POSITIVE_INFINITY));
        assertMessage("arm", () -> c.cost(0, false));
    }

    @Test
    void outcomeFields() {
        assertMessage("arm must be in 1..3", () -> new Outcome(4, false, new double[] {0.5, 0.5, 0.5}));
        assertMessage("confidences[1] (exit 2)", () -> new Outcome(1, false, new double[] {0.9, Double.NaN, 0.5}));
        assertMessage("confidences[2]", () -> new Outcome(1, false, new double[] {0.9, 0.5, 1.5}));
        assertMessage("played exit 2", () -> new Outcome(2, false, new double[] {0.9, U, 0.5}));
        assertMessage("final exit", () -> new Outcome(3, true, new double[] {0.9, 0.5, 0.5}));
        assertMessage("final-exit confidence", () -> new Outcome(1, true, new double[] {0.1, U, U}));
        double[] row = {0.9, 0.5, 0.7};
        Outcome o = new Outcome(1, false, row);
        row[0] = 0.1;
        assertEquals(0.9, o.confidence(1), "defensive copy");
        assertTrue(o.observed(3));
        assertFalse(new Outcome(1, false, new double[] {0.9, U, U}).observed(2));
        assertEquals(o, new Outcome(1, false, new double[] {0.9, 0.5, 0.7}));
    }

    @Test
    void rewardNeedsTheConfidencesItUses() {
        Outcome live = new Outcome(2, false, new double[] {0.5, 0.8125, U});
        assertEquals(0.8125 - 0.125, live.reward(2, config).orElseThrow());
        assertTrue(live.reward(1, config).isEmpty(), "C1 < α and C3 unknown");
        assertTrue(live.reward(3, config).isEmpty(), "C3 unknown");
        assertMessage("arm must be in 1..3", () -> live.reward(0, config));
    }

    @Test
    void recordChecksTheOutcomeAgainstTheConfig() {
        Policy p = Policies.parse("splitee", config);
        assertMessage("contradicts the threshold rule", () -> p.record(new Outcome(1, false, new double[] {0.5, 0.5, 0.9})));
        assertMessage("contradicts the threshold rule", () -> p.record(new Outcome(1, true, new double[] {0.9, 0.5, 0.9})));
        assertMessage("4 exits", () -> p.record(new Outcome(1, false, new double[] {0.9, 0.5, 0.9, 0.9})));
        EngineConfig broken = new EngineConfig(3, 0.75, (arm, off) -> Double.NaN);
        Policy q = Policies.parse("splitee", broken);
        assertMessage("cost model returned NaN", () -> q.record(new Outcome(3, false, new double[] {0.9, 0.5, 0.9})));
    }
}
