package io.splitee.demo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.engine.EngineConfig;
import io.splitee.engine.Policies;
import io.splitee.replay.Replay;
import io.splitee.replay.ReplayResult;
import io.splitee.replay.Trace;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BaselinesTest {
    static final Settings SETTINGS = new Settings(0.01, 0.3, 0.8, 1.0, 5);

    @Test
    void everyReplayAgreesWithTheEnginesReplay() {
        Trace t = Synthetic.trace(400, 6, 3);
        Baselines b = Baselines.of(t, IntStream.range(0, 400).toArray(), SETTINGS);
        EngineConfig cfg = SETTINGS.engine(6);
        for (String spec : List.of("splitee", "splitee-s", "final", "fixed:2", "random", "early-exit")) {
            PolicyRun mine = b.replay(spec, spec, "test");
            ReplayResult theirs = Replay.run(t, Policies.parse(spec, cfg), cfg, List.of());
            assertEquals(theirs.bestFixedArm(), b.bestFixedArm(), "best fixed arm");
            assertEquals(theirs.cost(), mine.cost(), 1e-9, spec + " cost");
            assertEquals(theirs.offloaded(), mine.offloaded(), spec + " offloaded");
            assertEquals(theirs.accuracy().getAsDouble(), mine.accuracy().getAsDouble(), 1e-12, spec + " accuracy");
            assertEquals(theirs.regret(), mine.regret(), 1e-9, spec + " regret");
            assertEquals(theirs.costReduction(), mine.costReduction(), 1e-9, spec + " cost reduction");
            for (int a = 1; a <= 6; a++) {
                assertEquals(theirs.armCounts().get(a - 1).longValue(), mine.armCounts()[a], spec + " arm " + a);
            }
        }
    }

    @Test
    void theStandardComparisonHasEveryBaselineOnTheSameSamples() {
        Trace t = Synthetic.trace(300, 5, 9);
        int[] rows = IntStream.range(0, 300).map(i -> 299 - i).toArray(); // any order
        Baselines b = Baselines.of(t, rows, SETTINGS);
        List<PolicyRun> runs = b.standard(null);
        assertEquals(List.of("splitee (replay)", "splitee-s (replay)", "splitee-s-paper (replay)", "final exit",
                "offload all @1", "offload all raw", "early exit (device)", "random", "best fixed (" + b.bestFixedArm() + ")"),
                runs.stream().map(PolicyRun::name).toList());
        runs.forEach(r -> assertEquals(300, r.samples(), r.name()));
        PolicyRun fin = runs.get(3);
        assertEquals(0.0, fin.costReduction(), 1e-12, "the final exit is the reference");
        assertEquals(0, fin.offloaded());
        PolicyRun offloadAll = runs.get(4);
        assertTrue(offloadAll.offloaded() >= 299, "offload all @1 offloads (almost) everything: " + offloadAll.offloaded());
        assertEquals(fin.accuracy().getAsDouble(), offloadAll.accuracy().getAsDouble(), 0.01,
                "offloaded answers come from the final exit");
        assertEquals(0.0, runs.get(8).regret(), 1e-9, "the best fixed arm has no regret against itself");
        PolicyRun raw = runs.get(5);
        assertEquals(300, raw.offloaded(), "offload all raw offloads everything");
        assertEquals(300 * SETTINGS.offloadCost(), raw.cost(), 1e-9, "each at arm 0's price, o in paper units");
        assertEquals(List.of("splitee-s (replay)", "splitee-s-paper (replay)", "final exit", "offload all @1",
                "offload all raw", "early exit (device)", "random", "best fixed (" + b.bestFixedArm() + ")"),
                b.standard("splitee").stream().map(PolicyRun::name).toList());
    }

    @Test
    void rewardsFollowThePaper() {
        Trace t = Trace.of("hand", new double[][] {{0.9, 0.5, 0.7}}, new int[][] {{1, 2, 3}}, new int[] {3});
        Baselines b = Baselines.of(t, new int[] {0}, SETTINGS);
        assertEquals(0.9 - 0.01, b.reward(0, 1, false), 1e-12, "exit 1 on the device");
        assertEquals(0.7 - 0.02 - 0.3, b.reward(0, 2, true), 1e-12, "offloaded after block 2: C_L − 2λ − o");
        assertEquals(0.7 - 0.03, b.reward(0, 3, false), 1e-12, "the final exit");
        assertEquals(0.7 - 0.3, b.reward(0, 0, true), 1e-12, "arm 0: the raw sample sent");
        assertEquals(1, b.bestFixedArm());
    }

    @Test
    void rowsOutsideTheTraceAreRejected() {
        Trace t = Synthetic.trace(10, 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Baselines.of(t, new int[] {0, 10}, SETTINGS));
        assertTrue(e.getMessage().contains("row 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Baselines.of(t, new int[0], SETTINGS));
    }
}
