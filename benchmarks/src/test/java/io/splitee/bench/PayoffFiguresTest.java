package io.splitee.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.cost.MeasuredCosts.PayloadRule;
import io.splitee.engine.EngineConfig;
import io.splitee.linkproxy.LinkProfile;
import io.splitee.replay.CostProfile;
import io.splitee.replay.MeasuredReplay;
import io.splitee.replay.ReplayResult;
import io.splitee.replay.Trace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link PayoffFigures} on a hand-made profile and trace whose figures are computed by hand, and one cell of the
 * shipped model.
 *
 * <p>Profile (3 blocks): device blocks 1, 2, 3 ms, exits 0.5 ms each, times F = 2; gateway blocks 1 ms each, final
 * exit 0.5 ms; raw 1000 B, features 4000, 2500, 2000 B; link 1000 bytes/ms with a 10 ms round trip; weight 0.1,
 * α = 0.8. Raw offload: link 10 + 1 = 11 ms, gateway 3.5 ms, 14.5 ms. Features after block 2: 10 + 2.5 + gateway
 * 1.5 = 14 ms (cheaper than raw); after block 1: 10 + 4 + 2.5 = 16.5 ms (raw is cheaper).
 */
class PayoffFiguresTest {

    private static final double F = 2;
    private static final LinkProfile LINK = new LinkProfile("hand", 8_000_000, Duration.ofMillis(10));

    private static CostProfile profile() {
        return new CostProfile("hand", new CostProfile.Device(new double[] {1, 2, 3}, new double[] {0.5, 0.5, 0.5}),
                new CostProfile.Gateway(new double[] {1, 1, 1}, 0.5),
                Map.of("fp16", new CostProfile.Wire(1000, new long[] {4000, 2500, 2000})), Optional.empty(),
                Optional.empty());
    }

    /**
     * Sample 0 is confident at exit 1 (whose answer is wrong), sample 1 at exit 2, sample 2 nowhere (its final
     * answer is right).
     */
    private static Trace trace() {
        return Trace.of("hand", new double[][] {{0.9, 0.95, 0.99}, {0.5, 0.85, 0.9}, {0.3, 0.4, 0.6}},
                new int[][] {{2, 1, 1}, {0, 1, 1}, {2, 2, 0}}, new int[] {1, 1, 0});
    }

    @Test
    void everyRowIsTheHandComputation() {
        PayoffFigures.Cell c = PayoffFigures.cell(trace(), profile(), LINK, F, "fp16", 0.8, 0.1);
        // final exit: 2 × (1 + 2 + 3 + 0.5) = 13 ms on every sample
        assertEquals(1.3, c.finalExit().cost(), 1e-9);
        assertEquals(1.0, c.finalExit().accuracy(), 1e-12);
        // early exit, every head charged: 2 × 1.5 = 3 ms; 2 × (1 + 2 + 0.5 + 0.5) = 8 ms; 2 × (6 + 1.5) = 15 ms
        assertEquals((0.3 + 0.8 + 1.5) / 3, c.earlyExit().cost(), 1e-9);
        assertEquals(2.0 / 3, c.earlyExit().accuracy(), 1e-12);
        assertEquals(0.0, c.earlyExit().offloads());
        // every raw sample: 14.5 ms, answered at the final exit
        assertEquals(1.45, c.raw().cost(), 1e-9);
        assertEquals(1.0, c.raw().accuracy(), 1e-12);
        // plain arm 2 (rewards: arm 1 −1.4, arm 2 −1.1, arm 3 −1.41): 7 ms, 7 ms, 7 + 14 (features) = 21 ms
        assertEquals(2, c.bestPlain().arm());
        assertEquals((0.7 + 0.7 + 2.1) / 3, c.bestPlain().cost(), 1e-9);
        assertEquals(1.0 / 3, c.bestPlain().offloads(), 1e-12);
        // cascade arms (rewards: 1 −1.4, 2 −0.95, 3 −0.25): arm 3 is the early exit
        assertEquals(3, c.bestCascade().arm());
        assertEquals(c.earlyExit().cost(), c.bestCascade().cost(), 1e-12);
        // the cheapest split: cascade arm 2, 3 ms, 8 ms, 2 × 4 + 14 = 22 ms (plain arm 2: 1.1667, raw 1.45, arm 1 1.2667)
        assertEquals("c2", c.cheapestName());
        assertEquals((0.3 + 0.8 + 2.2) / 3, c.cheapestSplit().cost(), 1e-9);
        assertEquals(1.1 / ((0.3 + 0.8 + 1.5) / 3), c.cheapestRatio(), 1e-9);
    }

    @Test
    void aFixedCascadeArmLeavesAtTheFirstConfidentExitAndOffloadsAtItsArm() {
        CostProfile p = profile();
        MeasuredReplay every = MeasuredReplay.of(p, LINK, F, "fp16", PayloadRule.AUTO, 0.1, 0.1, true);
        EngineConfig config = new EngineConfig(3, 0.8, every.costModel(), 1.0, 0);
        MeasuredReplay.Result r = every.run(trace(), new PayoffFigures.FixedCascade(1, 3), config, List.of());
        ReplayResult rr = r.replay();
        // sample 0 leaves at exit 1 (3 ms); samples 1 and 2 go raw after block 1: 3 + 14.5 = 17.5 ms
        assertEquals(0.3 + 1.75 + 1.75, rr.cost(), 1e-9);
        assertEquals(2, rr.offloaded());
        assertEquals(2, r.rawPayloads());
        assertEquals((3 + 17.5 + 17.5) / 3, r.meanLatencyMs(), 1e-9);
    }

    @Test
    void onTheShippedModelWithoutALinkTheEarlyExitCostsLessThanTheFinalExit() throws Exception {
        Trace clean = Trace.read(Path.of("../models/fmnist-resnet12/traces/clean.csv.gz"));
        CostProfile vm = CostProfile.read(Path.of("../models/fmnist-resnet12/profiles/x86-vm.json"));
        PayoffFigures.Cell c = PayoffFigures.cell(clean, vm, LinkProfile.NONE, 1, "fp16", 0.8, 0.1);
        assertTrue(c.earlyExit().cost() < c.finalExit().cost(), c.toString());
        assertTrue(c.bestCascade().cost() > 0 && c.bestPlain().cost() > 0, c.toString());
    }
}
