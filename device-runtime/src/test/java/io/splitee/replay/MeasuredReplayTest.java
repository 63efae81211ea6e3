package io.splitee.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.cost.MeasuredCosts;
import io.splitee.device.cost.MeasuredCosts.PayloadRule;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Policies;
import io.splitee.linkproxy.LinkProfile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Costs hand-computed in {@link ProfileFiles}. */
class MeasuredReplayTest {

    @TempDir
    Path dir;

    private MeasuredReplay replay(String encoding, PayloadRule rule) throws Exception {
        CostProfile p = CostProfile.read(TraceFiles.write(dir, "p.json", ProfileFiles.HAND));
        return MeasuredReplay.of(p, p.link().orElseThrow(), 1.0, encoding, rule, 0.01, 0.01, false);
    }

    private MeasuredReplay.Result fixedArm1(MeasuredReplay m) throws Exception {
        Trace t = Trace.read(TraceFiles.write(dir, "t.csv", ProfileFiles.TRACE));
        EngineConfig config = new EngineConfig(2, 0.8, m.costModel());
        return m.run(t, Policies.parse("fixed:1", config), config, List.of());
    }

    @Test
    void featuresWinWhenTheyAreSmall() throws Exception {
        MeasuredReplay m = replay("small", PayloadRule.AUTO);
        assertEquals(MeasuredCosts.Payload.FEATURES, m.costs().offload(1).payload());
        assertEquals(12.2, m.latencyMs(1, true), 1e-9);
        assertEquals(1.5, m.latencyMs(1, false), 1e-9);
        assertEquals(3.5, m.latencyMs(2, false), 1e-9);
        assertEquals(0.01 * 12.2, m.costModel().cost(1, true), 1e-12);
        assertEquals(11.7, m.rawOnlyLatencyMs(), 1e-9);
        MeasuredReplay.Result r = fixedArm1(m);
        assertEquals(2, r.replay().offloaded());
        assertEquals(2, r.featurePayloads());
        assertEquals(0, r.rawPayloads());
        assertEquals((1.5 + 12.2 + 12.2 + 1.5) / 4, r.meanLatencyMs(), 1e-9);
        assertEquals(0.01 * (1.5 + 12.2 + 12.2 + 1.5), r.replay().cost(), 1e-9);
        assertEquals(0.75, r.replay().accuracy().getAsDouble(), 1e-12);   // sample 3 answered by pred_2 = 4 ≠ 3
    }

    @Test
    void rawWinsWhenFeaturesAreBig() throws Exception {
        MeasuredReplay m = replay("big", PayloadRule.AUTO);
        assertEquals(MeasuredCosts.Payload.RAW, m.costs().offload(1).payload());
        assertEquals(13.2, m.latencyMs(1, true), 1e-9);
        MeasuredReplay.Result r = fixedArm1(m);
        assertEquals(0, r.featurePayloads());
        assertEquals(2, r.rawPayloads());
        assertEquals((1.5 + 13.2 + 13.2 + 1.5) / 4, r.meanLatencyMs(), 1e-9);
    }

    @Test
    void forcedPayloadIsObeyed() throws Exception {
        MeasuredReplay m = replay("big", PayloadRule.FEATURES);
        assertEquals(17.0, m.latencyMs(1, true), 1e-9);
        assertEquals(2, fixedArm1(m).featurePayloads());
        assertEquals(13.2, replay("small", PayloadRule.RAW).latencyMs(1, true), 1e-9);
    }

    @Test
    void boardSlowdownScalesOnlyTheDevice() throws Exception {
        CostProfile p = CostProfile.read(TraceFiles.write(dir, "p.json", ProfileFiles.HAND));
        MeasuredReplay m = MeasuredReplay.of(p, LinkProfile.parse("8000kbit:10ms"), 4.0, "small", PayloadRule.AUTO, 0.01,
                0.01, false);
        assertEquals(6.0 + 10.2 + 0.5, m.latencyMs(1, true), 1e-9);
    }

    @Test
    void refusesCostsThatChargeOtherExitsThanThePolicyEvaluates() throws Exception {
        MeasuredReplay m = replay("small", PayloadRule.AUTO); // charges only the arm's exit
        Trace t = Trace.read(TraceFiles.write(dir, "t.csv", ProfileFiles.TRACE));
        EngineConfig c = new EngineConfig(2, 0.8, m.costModel(), 1.0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.run(t, Policies.parse("early-exit", c), c, List.of()));
        assertTrue(e.getMessage().contains("early-exit evaluates every exit"), e.getMessage());
    }

    @Test
    void refusesAnotherCostModel() throws Exception {
        MeasuredReplay m = replay("small", PayloadRule.AUTO);
        Trace t = Trace.read(TraceFiles.write(dir, "t.csv", ProfileFiles.TRACE));
        EngineConfig paper = new EngineConfig(2, 0.8, new PaperCost(0.1, 0.3));
        assertThrows(IllegalArgumentException.class,
                () -> m.run(t, Policies.parse("fixed:1", paper), paper, List.of()));
    }

    private MeasuredReplay energy(PayloadRule rule, double perMillijoule) throws Exception {
        CostProfile p = CostProfile.read(TraceFiles.write(dir, "e.json", ProfileFiles.HAND_ENERGY));
        return MeasuredReplay.of(p, p.link().orElseThrow(), 1.0, "small", rule, 0.1, 0.1, perMillijoule, false);
    }

    /**
     * One sample at arm 1, worked by hand (weights 0.1 per ms, 0.5 per mJ): on the device 0.1 × 1.5 ms +
     * 0.5 × 3 mJ = 1.65; offloaded with the features 1.65 + 0.1 × (10.2 + 0.5) ms + 0.5 × 200 B × 0.01 mJ/B
     * = 3.72; with the raw sample 1.65 + 0.1 × (11 + 0.7) + 0.5 × 10 = 7.82.
     */
    @Test
    void energyIsPricedWithTheLiveRule() throws Exception {
        MeasuredReplay m = energy(PayloadRule.AUTO, 0.5);
        assertEquals(1.65, m.costModel().cost(1, false), 1e-12);
        assertEquals(3.72, m.costModel().cost(1, true), 1e-12);
        assertEquals(MeasuredCosts.Payload.FEATURES, m.costs().offload(1).payload());
        assertEquals(7.82, energy(PayloadRule.RAW, 0.5).costModel().cost(1, true), 1e-12);
        assertEquals(0.1 * 3.5 + 0.5 * 7, m.costModel().cost(2, false), 1e-12);
        assertEquals(3.0, m.millijoules(1, false), 1e-12);
        assertEquals(5.0, m.millijoules(1, true), 1e-12);
        assertEquals(7.0, m.millijoules(2, false), 1e-12);
        MeasuredReplay.Result r = fixedArm1(m); // samples 1 and 4 on the device, 2 and 3 offloaded
        assertEquals((3 + 5 + 5 + 3) / 4.0, r.meanMillijoules().getAsDouble(), 1e-12);
        assertEquals(1.65 + 3.72 + 3.72 + 1.65, r.replay().cost(), 1e-9);

        MeasuredReplay free = energy(PayloadRule.AUTO, 0); // weight 0: the costs without energy, energy still reported
        assertEquals(0.1 * 1.5, free.costModel().cost(1, false), 1e-12);
        assertEquals(0.1 * 12.2, free.costModel().cost(1, true), 1e-12);
        assertEquals(4.0, fixedArm1(free).meanMillijoules().getAsDouble(), 1e-12);
        CostProfile p = CostProfile.read(TraceFiles.write(dir, "e.json", ProfileFiles.HAND_ENERGY));
        MeasuredReplay slow = MeasuredReplay.of(p, p.link().orElseThrow(), 2.0, "small", PayloadRule.AUTO, 0.1, 0.1,
                0.5, false);
        assertEquals(0.1 * 3 + 0.5 * 6, slow.costModel().cost(1, false), 1e-12, "energy scales with the board");
    }

    @Test
    void aProfileWithoutEnergyReplaysWithWeightZeroOnly() throws Exception {
        MeasuredReplay old = replay("small", PayloadRule.AUTO);
        assertTrue(fixedArm1(old).meanMillijoules().isEmpty());
        assertEquals(0, old.millijoules(1, true));
        CostProfile p = CostProfile.read(TraceFiles.write(dir, "p.json", ProfileFiles.HAND));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MeasuredReplay.of(p,
                p.link().orElseThrow(), 1.0, "small", PayloadRule.AUTO, 0.1, 0.1, 0.5, false));
        assertTrue(e.getMessage().startsWith("cost.weight.millijoule: 0.5 prices energy, but cost profile "),
                e.getMessage());
    }
}
