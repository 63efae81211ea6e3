package io.splitee.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.engine.EngineConfig;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Plan;
import io.splitee.engine.Policies;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays on the hand trace (λ = 1/16, o = 1/4, α = 3/4; rewards worked out in the engine's HandTrace). */
class ReplayTest {

    @TempDir
    Path dir;

    private Trace trace;
    private final EngineConfig config = new EngineConfig(3, 0.75, new PaperCost(0.0625, 0.25));

    @BeforeEach
    void load() throws Exception {
        trace = Trace.read(TraceFiles.write(dir, "hand.csv", TraceFiles.HAND));
    }

    /** The policy learns from what the device would have seen, not from the whole trace row. */
    @Test
    void policiesSeeOnlyWhatTheDeviceObserves() {
        double u = io.splitee.engine.Outcome.UNOBSERVED;
        Plan twoWithSide = Plan.withSideExits(2, new boolean[] {false, true});
        Plan threeWithSides = Plan.withSideExits(3, new boolean[] {false, true, true});
        // row 3: C = (.25, .75, .6875). Arm 2 exits (C2 = α): C3 never computed; C1 only if evaluated.
        assertArrayEquals(new double[] {0.25, 0.75, u}, Replay.observed(trace, 2, twoWithSide, config).confidences());
        assertArrayEquals(new double[] {u, 0.75, u}, Replay.observed(trace, 2, Plan.at(2), config).confidences());
        // the early-exit baseline stops there too, having seen every exit on the way
        assertArrayEquals(new double[] {0.25, 0.75, u},
                Replay.observed(trace, 2, Plan.stopAtFirstConfidentExit(3), config).confidences());
        // row 2: C = (.5, .625, .875). Arm 1 offloads: C1 and the gateway's C3.
        io.splitee.engine.Outcome off = Replay.observed(trace, 1, Plan.at(1), config);
        assertTrue(off.offloaded());
        assertArrayEquals(new double[] {0.5, u, 0.875}, off.confidences());
        // arm L: its own exit; the ones on the way as evaluated
        assertArrayEquals(new double[] {0.5, 0.625, 0.875}, Replay.observed(trace, 1, threeWithSides, config).confidences());
        assertArrayEquals(new double[] {u, u, 0.875}, Replay.observed(trace, 1, Plan.at(3), config).confidences());
    }

    /**
     * SplitEE plays 1, 2, 3, 1, 2, 3; rewards .8125 .5 .5 .25 .75 .6875 (sum 3.5). Arm 2 has the
     * best sum, 3.875, with per-sample rewards .8125 .5 .625 .6875 .75 .5: cumulative regret
     * after 2 samples 0, after 4 samples .125 + .4375 = .5625, after 6 .5625 + 0 − .1875 = .375.
     * Cost: .0625 + .375 + .1875 + .3125 + .125 + .1875 = 1.25; full cost 6·3·.0625 = 1.125.
     */
    @Test
    void spliteeOnTheHandTrace() {
        ReplayResult r = Replay.run(trace, Policies.parse("splitee", config), config, List.of(2, 4, 6, 1000));
        assertEquals("splitee", r.policy());
        assertEquals(6, r.samples());
        assertEquals(1.25, r.cost(), 0.0);
        assertEquals(1.125, r.fullCost(), 0.0);
        assertEquals(1 - 1.25 / 1.125, r.costReduction(), 1e-15);
        assertEquals(2, r.offloaded());
        assertEquals(List.of(2L, 2L, 2L), r.armCounts());
        assertEquals(2, r.bestFixedArm());
        assertEquals(0.375, r.regret(), 0.0);
        assertEquals(Map.of(2, 0.0, 4, 0.5625, 6, 0.375), r.cumulativeRegret());
        assertEquals(4.0 / 6, r.accuracy().getAsDouble(), 1e-15);
        assertEquals(5.0 / 6, r.finalExitAccuracy().getAsDouble(), 1e-15);
        assertEquals(1.0 / 6, r.accuracyDrop().getAsDouble(), 1e-15);
    }

    /**
     * Early exit stops at exits 1, 3, 2, 2, 1, 3 (first C_i ≥ 0.75, else the final exit); every
     * answer is right; cost .0625·12 = .75; rewards .8125 .6875 .625 .6875 .875 .6875 = 4.375,
     * which beats the best fixed arm (3.875): regret −.5.
     */
    @Test
    void earlyExitOnTheHandTrace() {
        ReplayResult r = Replay.run(trace, Policies.parse("early-exit", config), config, List.of());
        assertEquals(List.of(2L, 2L, 2L), r.armCounts());
        assertEquals(0, r.offloaded());
        assertEquals(0.75, r.cost(), 0.0);
        assertEquals(-0.5, r.regret(), 0.0);
        assertEquals(1.0, r.accuracy().getAsDouble());
    }

    /**
     * SplitEE with cascade arms (leave=first) chooses 1, 2, 3, 1, 3, 2 (engine's CascadeArmsTest) and the samples
     * leave at exits 1, 2, 2, 1, 1, 2 (offloads after 2, 1, 2); rewards .8125 .5 .625 .25 .875 .5 = 3.5625. It is
     * measured against the best cascade arm, arm 3 (the early exit: 4.375), not the best plain arm: regret .8125.
     * Cost .0625 + .375 + .125 + .3125 + .0625 + .375 = 1.3125.
     */
    @Test
    void cascadeArmsAreMeasuredAgainstTheBestCascadeArm() {
        ReplayResult r = Replay.run(trace, Policies.parse("splitee:leave=first", config), config, List.of());
        assertEquals(List.of(3L, 3L, 0L), r.armCounts(), "where the samples left");
        assertEquals(3, r.offloaded());
        assertEquals(1.3125, r.cost(), 1e-15);
        assertEquals(3, r.bestFixedArm());
        assertEquals(0.8125, r.regret(), 1e-15);
    }

    @Test
    void finalHasNoCostReductionAndNoAccuracyDrop() {
        ReplayResult r = Replay.run(trace, Policies.parse("final", config), config, List.of());
        assertEquals(0.0, r.costReduction(), 0.0);
        assertEquals(0.0, r.accuracyDrop().getAsDouble(), 0.0);
        assertEquals(List.of(0L, 0L, 6L), r.armCounts());
        assertEquals(3.875 - 3.8125, r.regret(), 0.0);
    }

    @Test
    void fixedArmOneOffloadsTheUnconfident() {
        // C1 ≥ .75 only on rows 1 and 5: the other four are offloaded and answered by pred_3
        ReplayResult r = Replay.run(trace, Policies.parse("fixed:1", config), config, List.of());
        assertEquals(4, r.offloaded());
        assertEquals(2 * 0.0625 + 4 * 0.3125, r.cost(), 0.0);
        assertEquals(3.875 - 3.4375, r.regret(), 0.0);
    }

    @Test
    void zeroLambdaHasNoCostReduction() {
        EngineConfig free = new EngineConfig(3, 0.75, new PaperCost(0, 0.25));
        ReplayResult r = Replay.run(trace, Policies.parse("splitee", free), free, List.of());
        assertEquals(0.0, r.fullCost());
        assertTrue(Double.isNaN(r.costReduction()));
    }

    @Test
    void armCountMustAgree() {
        EngineConfig four = new EngineConfig(4, 0.75, new PaperCost(0.0625, 0.25));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Replay.run(trace, Policies.parse("splitee", four), four, List.of()));
        assertTrue(e.getMessage().contains("3 exits"), e.getMessage());
    }
}
