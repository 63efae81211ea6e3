package io.splitee.device.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Hand-computed cost-model cases: one where the features win, one where the raw sample wins. */
class MeasuredCostsTest {
    private static final double EPS = 1e-9;

    /**
     * 3 blocks at 2 ms each, exits 0.5 ms; a link of 8 ms round trip and 100 bytes/ms; the gateway
     * reports 3 ms for blocks 1..3 and 2 ms for blocks 2..3.
     */
    private static CostEstimates estimates() {
        CostEstimates e = new CostEstimates(3, 0.5);
        for (int i = 1; i <= 3; i++) {
            e.recordBlock(i, Duration.ofMillis(2));
            e.recordExit(i, Duration.ofNanos(500_000));
        }
        // raw sample, 100 bytes: 12 ms end to end, gateway 3 ms -> link 9 ms
        e.recordOffload(1, 100, Duration.ofMillis(12), Duration.ofMillis(3));
        // features after block 1, 10,100 bytes: 111 ms, gateway 2 ms -> link 109 ms.
        // Least squares with weight 0.5 on (100, 9) and (10100, 109): mean b 5100, mean t 59,
        // var b 25,000,000, cov 250,000 -> 0.01 ms/byte (100 bytes/ms), intercept 59 - 51 = 8 ms.
        e.recordOffload(2, 10_100, Duration.ofMillis(111), Duration.ofMillis(2));
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
    void policiesThatEvaluateEveryExitPayForThem() {
        CostEstimates e = estimates();
        assertEquals(2.5, e.deviceMs(1, true), EPS); // one exit either way
        assertEquals(6.0 + 3 * 0.5, e.deviceMs(3, true), EPS); // blocks 1..3 and exits 1..3
        assertEquals(0, e.deviceMs(0, true), EPS);
        MeasuredCosts every = new MeasuredCosts(e, 0.1, 0.1, MeasuredCosts.PayloadRule.AUTO,
                new MeasuredCosts.PayloadBytes(a -> 20_000, 784), true);
        MeasuredCosts one = new MeasuredCosts(e, 0.1, 0.1, MeasuredCosts.PayloadRule.AUTO,
                new MeasuredCosts.PayloadBytes(a -> 20_000, 784), false);
        assertEquals(0.1 * 7.5, every.onDevice(3), EPS);
        assertEquals(0.1 * 6.5, one.onDevice(3), EPS);
        // offloading after block 2: the device part differs by exit 1's 0.5 ms, the link part not at all
        assertEquals(0.1 * 0.5, every.offload(2).cost() - one.offload(2).cost(), EPS);
        assertTrue(every.everyExit());
    }

    @Test
    void rawSampleWinsWhenFeaturesAreLarge() {
        // features after block 1: 20,000 B -> link 8 + 200 = 208 ms, gateway from 2: 2 ms -> 210
        // raw: 784 B -> link 8 + 7.84 = 15.84 ms, gateway from 1: 3 ms -> 18.84  (raw wins)
        MeasuredCosts m = new MeasuredCosts(estimates(), 0.01, 0.01, MeasuredCosts.PayloadRule.AUTO,
                new MeasuredCosts.PayloadBytes(a -> 20_000, 784), false);
        MeasuredCosts.OffloadPlan p = m.offload(1);
        assertEquals(MeasuredCosts.Payload.RAW, p.payload());
        assertEquals(0.01 * 2.5 + 0.01 * (15.84 + 3.0), p.cost(), EPS);
    }

    @Test
    void featuresWinWhenSmallerThanTheSample() {
        // after block 3: features 200 B -> link 8 + 2 = 10, gateway from 4 (nothing left but the exit, not
        // measured: the nearest measured start, block 2, took 2 ms where the device takes 4.5 ms for blocks 2..3
        // and the exit, so the device's 0.5 ms exit is 2 / 4.5 * 0.5 = 0.2222 ms there) -> 10.2222
        // raw: 3136 B -> 8 + 31.36 = 39.36 + gateway 3 = 42.36 (features win)
        MeasuredCosts m = new MeasuredCosts(estimates(), 0.01, 0.02, MeasuredCosts.PayloadRule.AUTO,
                new MeasuredCosts.PayloadBytes(a -> 200, 3136), false);
        MeasuredCosts.OffloadPlan p = m.offload(3);
        assertEquals(MeasuredCosts.Payload.FEATURES, p.payload());
        assertEquals(0.01 * 6.5 + 0.02 * (10 + 2.0 / 4.5 * 0.5), p.cost(), EPS);
    }

    @Test
    void forcedPayloadIsObeyedAndArmZeroIsRaw() {
        MeasuredCosts forced = new MeasuredCosts(estimates(), 0.01, 0.01, MeasuredCosts.PayloadRule.FEATURES,
                new MeasuredCosts.PayloadBytes(a -> 20_000, 784), false);
        assertEquals(MeasuredCosts.Payload.FEATURES, forced.offload(1).payload());
        assertEquals(MeasuredCosts.Payload.RAW, forced.offload(0).payload());
        assertEquals(0.0, forced.onDevice(0), EPS);
    }

    @Test
    void sameSizedOffloadsMoveTheRoundTripNotTheThroughput() {
        CostEstimates e = estimates();
        for (int i = 0; i < 50; i++) { // the link got slower by 40 ms, seen only through 100-byte offloads
            e.recordOffload(1, 100, Duration.ofMillis(52), Duration.ofMillis(3));
        }
        // While the big offload fades, the fit bends a little; then the slope stands and the round trip follows.
        assertTrue(e.throughputBytesPerMs() > 50 && e.throughputBytesPerMs() < 200, "" + e.throughputBytesPerMs());
        assertEquals(48.0, e.roundTripMs(), 1.0);
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
