package io.splitee.device.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Hand-computed cost-model cases: one where the features win, one where the raw sample wins. */
class MeasuredCostsTest {
    private static final double EPS = 1e-9;

    /** 3 blocks at 2 ms each, exits 0.5 ms; rtt 10 ms; 100 bytes/ms; gateway 1 ms per block it runs. */
    private static CostEstimates estimates() {
        CostEstimates e = new CostEstimates(3, 1.0);
        for (int i = 1; i <= 3; i++) {
            e.recordBlock(i, Duration.ofMillis(2));
            e.recordExit(i, Duration.ofNanos(500_000));
        }
        // probe: 100 bytes, 11 ms end to end, gateway 3 ms (blocks 1..3): link 8 ms -> rtt 8
        e.recordOffload(1, 100, Duration.ofMillis(11), Duration.ofMillis(3));
        // 10,000-byte offload after block 1: e2e 110 ms, gateway 2 ms: link 108 = 8 + 100 -> 100 bytes/ms
        e.recordOffload(2, 10_000, Duration.ofMillis(110), Duration.ofMillis(2));
        e.recordOffload(3, 100, Duration.ofMillis(9), Duration.ofMillis(1)); // rtt stays 8
        return e;
    }

    @Test
    void estimatesFollowTheLinkModel() {
        CostEstimates e = estimates();
        assertEquals(8.0, e.roundTripMs(), EPS);
        assertEquals(100.0, e.throughputBytesPerMs(), EPS);
        assertEquals(2.5, e.deviceMs(1), EPS); // block 1 + exit 1
        assertEquals(6.5, e.deviceMs(3), EPS);
        assertEquals(3.0, e.gatewayMs(1), EPS);
        assertEquals(2.0, e.gatewayMs(2), EPS);
    }

    @Test
    void rawSampleWinsWhenFeaturesAreLarge() {
        // features after block 1: 20,000 B -> link 8 + 200 = 208 ms, gateway from 2: 2 ms -> 210
        // raw: 784 B -> link 8 + 7.84 = 15.84 ms, gateway from 1: 3 ms -> 18.84  (raw wins)
        MeasuredCosts m = new MeasuredCosts(estimates(), 0.01, 0.01, MeasuredCosts.PayloadRule.AUTO, a -> 20_000, 784);
        MeasuredCosts.OffloadPlan p = m.offload(1);
        assertEquals(MeasuredCosts.Payload.RAW, p.payload());
        assertEquals(0.01 * 2.5 + 0.01 * (15.84 + 3.0), p.cost(), EPS);
    }

    @Test
    void featuresWinWhenSmallerThanTheSample() {
        // after block 3: features 200 B -> link 8 + 2 = 10, gateway from 4 (nothing left but not measured:
        // estimated from device blocks 4..3 = none + exit 3 = 0.5) -> 10.5
        // raw: 3136 B -> 8 + 31.36 = 39.36 + gateway 3 = 42.36 (features win)
        MeasuredCosts m = new MeasuredCosts(estimates(), 0.01, 0.02, MeasuredCosts.PayloadRule.AUTO, a -> 200, 3136);
        MeasuredCosts.OffloadPlan p = m.offload(3);
        assertEquals(MeasuredCosts.Payload.FEATURES, p.payload());
        assertEquals(0.01 * 6.5 + 0.02 * 10.5, p.cost(), EPS);
    }

    @Test
    void forcedPayloadIsObeyedAndArmZeroIsRaw() {
        MeasuredCosts forced = new MeasuredCosts(estimates(), 0.01, 0.01, MeasuredCosts.PayloadRule.FEATURES,
                a -> 20_000, 784);
        assertEquals(MeasuredCosts.Payload.FEATURES, forced.offload(1).payload());
        assertEquals(MeasuredCosts.Payload.RAW, forced.offload(0).payload());
        assertEquals(0.0, forced.onDevice(0), EPS);
    }

    @Test
    void snapshotRoundTrip() {
        CostEstimates e = estimates();
        CostEstimates r = new CostEstimates(3, 0.1);
        r.restore(e.snapshot());
        assertEquals(e.deviceMs(3), r.deviceMs(3), EPS);
        assertEquals(e.roundTripMs(), r.roundTripMs(), EPS);
        assertEquals(e.gatewayMs(2), r.gatewayMs(2), EPS);
        assertTrue(r.linkMeasured());
        assertThrows(IllegalArgumentException.class, () -> new CostEstimates(4, 0.1).restore(e.snapshot()));
    }
}
