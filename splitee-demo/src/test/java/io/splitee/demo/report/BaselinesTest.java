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

    /**
     * A live policy whose arms leave at the first confident exit (leave=first) is compared with the best such arm in
     * hindsight and with SplitEE-S replayed the same way; the plain rows stay. Under measured prices with exit heads
     * that cost something, early exit and the cascade rows are charged every exit head on the way, the others not.
     */
    @Test
    void aCascadeRunAddsTheCascadeRowsPricedWithEveryExitHead() {
        int l = 5;
        double[] d = new double[l + 1];
        double[] o = new double[l + 1];
        double[] de = new double[l + 1];
        double[] oe = new double[l + 1];
        o[0] = 0.5;
        oe[0] = 0.5;
        for (int a = 1; a <= l; a++) {
            d[a] = 0.05 * a + 0.01; // a blocks and exit a
            de[a] = 0.05 * a + 0.01 * a; // a blocks and exits 1..a
            o[a] = d[a] + 0.2;
            oe[a] = de[a] + 0.2;
        }
        Settings measured = SETTINGS.withPricing(Pricing.measured("test", d, o, de, oe));
        Trace t = Synthetic.trace(300, l, 9);
        int[] rows = IntStream.range(0, 300).toArray();
        Baselines cascade = Baselines.of(t, rows, measured, true);
        Baselines plain = Baselines.of(t, rows, measured, false);
        List<String> names = cascade.standard(null).stream().map(PolicyRun::name).toList();
        assertEquals(List.of("splitee (replay)", "splitee-s (replay)", "splitee-s-paper (replay)", "final exit",
                "offload all @1", "offload all raw", "early exit (device)", "random", "best fixed (" + plain.bestFixedArm() + ")",
                "splitee-s, leave at first exit (replay)", "best fixed, leave at first exit (" + cascade.bestFixedArm() + ")"),
                names);
        assertEquals(plain.standard(null).size() + 2, names.size(), "the plain run has no cascade rows");

        // the best cascade arm replayed through the engine: the same cost, offloads and (zero) regret
        EngineConfig every = measured.engine(l, true);
        List<PolicyRun> runs = cascade.standard(null);
        PolicyRun best = runs.get(10);
        assertEquals(0.0, best.regret(), 1e-9, "the best cascade arm has no regret against itself");
        double cost = 0;
        long offloads = 0;
        double bestSum = Double.NEGATIVE_INFINITY;
        for (int a = 1; a <= l; a++) {
            double sum = 0;
            for (int r : rows) {
                sum += new io.splitee.engine.Outcome(l, false, t.confidences(r)).cascadeReward(a, every).orElseThrow();
            }
            bestSum = Math.max(bestSum, sum);
        }
        for (int r : rows) {
            io.splitee.engine.Observation ob = io.splitee.engine.PlanExecutor.execute(
                    io.splitee.engine.Plan.stopAtFirstConfidentExit(cascade.bestFixedArm()), every,
                    e -> t.confidence(r, e));
            cost += every.costModel().cost(ob.arm(), ob.offloads());
            offloads += ob.offloads() ? 1 : 0;
        }
        assertEquals(cost, best.cost(), 1e-9);
        assertEquals(offloads, best.offloaded());
        assertTrue(bestSum >= cascadeSumOf(t, rows, every, plain.bestFixedArm()) - 1e-12);
        // early exit is cascade arm L, priced with every exit head: the engine's replay with those prices agrees
        PolicyRun early = runs.get(6);
        ReplayResult ee = Replay.run(t, Policies.parse("early-exit", every), every, List.of());
        assertEquals(ee.cost(), early.cost(), 1e-9);
        ReplayResult ss = Replay.run(t, Policies.parse("splitee-s:leave=first", every), every, List.of());
        assertEquals(ss.cost(), runs.get(9).cost(), 1e-9);
        assertEquals(ss.regret(), runs.get(9).regret(), 1e-9, "regret against the best cascade arm, as the engine's");
        // the plain rows keep the plain prices
        ReplayResult s = Replay.run(t, Policies.parse("splitee-s", measured.engine(l)), measured.engine(l), List.of());
        assertEquals(s.cost(), runs.get(1).cost(), 1e-9);
    }

    private static double cascadeSumOf(Trace t, int[] rows, EngineConfig cfg, int arm) {
        double sum = 0;
        for (int r : rows) {
            sum += new io.splitee.engine.Outcome(t.exits(), false, t.confidences(r)).cascadeReward(arm, cfg).orElseThrow();
        }
        return sum;
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
