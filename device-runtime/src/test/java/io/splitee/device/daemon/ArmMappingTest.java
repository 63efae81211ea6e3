package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.splitee.engine.EngineConfig;
import io.splitee.engine.Observation;
import io.splitee.engine.Outcome;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Plan;
import io.splitee.engine.PlanExecutor;
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
}
