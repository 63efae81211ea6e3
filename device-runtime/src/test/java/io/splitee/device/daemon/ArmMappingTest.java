package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.engine.CostModel;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Observation;
import io.splitee.engine.Outcome;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Plan;
import io.splitee.engine.PlanExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArmMappingTest {

    @Test
    void withoutTheRawSampleArmTheArmsAreTheSame() {
        ArmMapping m = ArmMapping.of(false);
        assertEquals(3, m.engineArms(3));
        assertEquals(2, m.live(2));
        assertEquals(2, m.engine(2));
        assertEquals(m.engineArms(3), ArmMapping.between(3, 3).engineArms(3));
    }

    @Test
    void theRawSampleArmIsTheEnginesArmOneWithConfidenceZero() {
        ArmMapping m = ArmMapping.of(true);
        assertEquals(4, m.engineArms(3));
        assertEquals(0, m.live(1));
        assertEquals(1, m.engine(0));
        EngineConfig config = new EngineConfig(4, 0.8, new PaperCost(0.01, 0.1));
        List<Integer> asked = new ArrayList<>();
        Observation o = PlanExecutor.execute(Plan.at(1), config, m.engineOracle(exit -> {
            asked.add(exit);
            return 0.9;
        }));
        assertEquals(List.of(), asked, "the raw-sample arm computes nothing");
        assertEquals(0.0, o.confidence(1));
        Outcome out = m.answered(o, 0.95);
        assertEquals(1, out.arm());
        assertEquals(0.95, out.confidence(4));

        // a deeper arm: the engine's exit 3 is the live exit 2; the recorded outcome says 0 at exit 1 though unevaluated
        Observation deep = PlanExecutor.execute(Plan.at(3), config, m.engineOracle(exit -> {
            asked.add(exit);
            return 0.9;
        }));
        assertEquals(List.of(2), asked);
        assertEquals(Outcome.UNOBSERVED, deep.confidence(1));
        Outcome recorded = m.exited(deep);
        assertEquals(0.0, recorded.confidence(1));
        assertEquals(0.9, recorded.confidence(3));
    }

    @Test
    void theEngineMustHaveLOrLPlusOneArms() {
        assertThrows(IllegalArgumentException.class, () -> ArmMapping.between(5, 3));
        assertThrows(IllegalArgumentException.class, () -> ArmMapping.between(2, 3));
    }
    /**
     * Issue 15: the engine's measured prices come from the steady view of the estimates, with a tolerance. Three
     * blocks of 2 ms and exits of 0.5 ms; raw offloads (784 bytes) and feature offloads fitted to a 8 ms round trip
     * and 100 bytes/ms (two answers: 100 bytes in 12 ms with 3 ms at the gateway, 10,100 bytes in 111 ms with 2 ms),
     * then one missed 500 ms deadline. Smoothed (weight 0.5), the miss pulls the round trip to
     * 279.5 − 0.01 × 2,942 = 250.08 ms; steady, the median of the three round trips (8, 8, 492.16) is 8 ms. The
     * gateway's time from block 1 is 1.5 ms in both (3 and the miss's 0). Offloading the raw sample after live arm 2
     * at 0.1 per ms: device 0.1 × 4.5 = 0.45, link 0.1 × (8 + 7.84 + 1.5) = 1.734, 2.184 in all, as the engine sees
     * it; 0.45 + 0.1 × (250.08 + 7.84 + 1.5) = 26.392 in the smoothed view (the gauges', the report's).
     */
    @Test
    void theEnginePricesFromTheSteadyEstimatesWithATolerance() {
        CostEstimates e = new CostEstimates(3, 0.5);
        for (int i = 1; i <= 3; i++) {
            e.recordBlock(i, Duration.ofMillis(2));
            e.recordExit(i, Duration.ofNanos(500_000));
        }
        e.recordOffload(1, 100, Duration.ofMillis(12), Duration.ofMillis(3));
        e.recordOffload(2, 10_100, Duration.ofMillis(111), Duration.ofMillis(2));
        e.recordMissedOffload(1, 784, Duration.ofMillis(500));
        MeasuredCosts m = new MeasuredCosts(e, 0.1, 0.1, MeasuredCosts.PayloadRule.RAW,
                new MeasuredCosts.PayloadBytes(a -> 20_000, 784), false);
        CostModel engine = ArmMapping.of(false).costModel(m);
        assertTrue(engine.drifts());
        assertEquals(ArmMapping.PRICE_TOLERANCE, engine.tolerance(), 0.0);
        assertEquals(2.184, engine.cost(2, true), 1e-9);
        assertEquals(0.45, engine.cost(2, false), 1e-9);
        assertEquals(26.392, m.offload(2).cost(), 1e-9, "the smoothed view");
        assertEquals(1.734, ArmMapping.of(true).costModel(m).cost(1, true), 1e-9, "the raw-sample arm: live arm 0");
    }
}
