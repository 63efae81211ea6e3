package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one executor of plans, on hand-made rows (α = 3/4, L = 4). */
class PlanExecutorTest {
    private static final double U = Outcome.UNOBSERVED;
    private static final EngineConfig CONFIG = new EngineConfig(4, 0.75, new PaperCost(0.0625, 0.25));
    private static final double[] ROW = {0.25, 0.5, 0.8, 0.9};

    private final List<Integer> asked = new ArrayList<>();

    private double ask(int exit) {
        asked.add(exit);
        return ROW[exit - 1];
    }

    @Test
    void plainPlanEvaluatesOnlyItsArmAndOffloadsBelowTheThreshold() {
        Observation o = PlanExecutor.execute(Plan.at(2), CONFIG, this::ask);
        assertEquals(List.of(2), asked);
        assertEquals(2, o.arm());
        assertTrue(o.offloads(), "C_2 = 0.5 < α at arm 2 < L");
        assertArrayEquals(new double[] {U, 0.5, U, 0.95}, o.answered(0.95).confidences(), 0.0);
        assertThrows(IllegalStateException.class, o::exited);
    }

    @Test
    void confidentArmExitsThere() {
        Observation o = PlanExecutor.execute(Plan.at(3), CONFIG, this::ask);
        assertFalse(o.offloads());
        assertEquals(new Outcome(3, false, new double[] {U, U, 0.8, U}), o.exited());
        assertThrows(IllegalStateException.class, () -> o.answered(0.9));
    }

    @Test
    void finalArmNeverOffloads() {
        Observation o = PlanExecutor.execute(Plan.at(4), new EngineConfig(4, 1.0, new PaperCost(0, 0)), this::ask);
        assertFalse(o.offloads(), "C_4 = 0.9 < α = 1 but arm 4 is the final exit");
    }

    @Test
    void sideExitsAreEvaluatedInOrderBeforeTheArm() {
        boolean[] onTheWay = {false, true, false, true};
        Plan plan = Plan.withSideExits(4, onTheWay);
        onTheWay[1] = false; // copied
        Observation o = PlanExecutor.execute(plan, CONFIG, this::ask);
        assertEquals(List.of(1, 3, 4), asked);
        assertArrayEquals(new double[] {0.25, U, 0.8, 0.9}, o.exited().confidences(), 0.0);
    }

    @Test
    void earlyExitPlanStopsAtTheFirstConfidentExit() {
        Observation o = PlanExecutor.execute(Plan.stopAtFirstConfidentExit(4), CONFIG, this::ask);
        assertEquals(List.of(1, 2, 3), asked);
        assertEquals(3, o.arm());
        assertFalse(o.offloads());
        assertArrayEquals(new double[] {0.25, 0.5, 0.8, U}, o.exited().confidences(), 0.0);
    }

    @Test
    void earlyExitPlanBelowTheFinalArmOffloadsWhenNothingIsConfident() {
        Observation o = PlanExecutor.execute(Plan.stopAtFirstConfidentExit(2), CONFIG, this::ask);
        assertEquals(2, o.arm());
        assertTrue(o.offloads());
    }

    @Test
    void badConfidenceOrArmIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PlanExecutor.execute(Plan.at(2), CONFIG, e -> Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> PlanExecutor.execute(Plan.at(2), CONFIG, e -> 1.5));
        assertThrows(IllegalArgumentException.class, () -> PlanExecutor.execute(Plan.at(5), CONFIG, this::ask));
        assertThrows(IllegalArgumentException.class, () -> Plan.at(0));
    }

    @Test
    void withFillsAKnownConfidence() {
        Observation o = PlanExecutor.execute(Plan.at(2), CONFIG, this::ask).with(1, 0.0);
        assertEquals(0.0, o.confidence(1));
        assertEquals(U, o.confidence(3));
    }

    @Test
    void policiesPlanWhatTheyDeclare() {
        EngineConfig c = new EngineConfig(3, HandTrace.ALPHA, new PaperCost(HandTrace.LAMBDA, HandTrace.OFFLOAD));
        for (String spec : List.of("splitee", "splitee-s", "final", "fixed:2", "random", "early-exit")) {
            Policy p = Policies.parse(spec, c);
            Plan plan = p.choose();
            assertEquals(p.characteristics().contains(Characteristic.STOPS_AT_FIRST_CONFIDENT_EXIT),
                    plan.stopsAtFirstConfidentExit(), spec);
            assertEquals(PolicySpec.parse(spec).characteristics(), p.characteristics(), spec);
        }
    }
}
