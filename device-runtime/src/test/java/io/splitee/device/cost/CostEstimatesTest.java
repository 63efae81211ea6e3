package io.splitee.device.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the live device prices arms with before and while it measures: the cases behind the demo's live SplitEE-S
 * that stayed on one deep arm while its replay of the same run's costs found the best one (docs/demo.md).
 */
class CostEstimatesTest {
    private static final double EPS = 1e-9;

    /** 4 blocks of an emulated slow board: 8 ms each, exits 1 ms. */
    private static CostEstimates slowBoard(int warmUpOffloads) {
        CostEstimates e = new CostEstimates(4, 0.5, warmUpOffloads);
        for (int i = 1; i <= 4; i++) {
            e.recordBlock(i, Duration.ofMillis(8));
            e.recordExit(i, Duration.ofMillis(1));
        }
        return e;
    }

    @Test
    void theGatewayIsNotTakenForTheDeviceBeforeItAnswers() {
        CostEstimates e = slowBoard(0);
        // before: the device's own 8 ms blocks (33 ms from block 1), which priced every offload of the first
        // sample far above its cost and kept those arms from ever being played
        assertEquals(0.0, e.gatewayMs(1), EPS);
        assertEquals(0.0, e.gatewayMs(3), EPS);
    }

    @Test
    void anUnmeasuredStartBlockIsScaledFromTheNearestMeasuredOne() {
        CostEstimates e = slowBoard(0);
        // the raw sample: the gateway ran blocks 1..4 and the final exit in 3.3 ms, a tenth of the device's 33 ms
        e.recordOffload(1, 100, Duration.ofMillis(20), Duration.ofMillis(3).plusNanos(300_000));
        assertEquals(3.3, e.gatewayMs(1), EPS);
        // blocks 3..4 and the exit: 17 ms on the device, so 1.7 ms on a gateway 10 times as fast
        assertEquals(1.7, e.gatewayMs(3), EPS);
        // a measured start block stands for itself, and is the nearest for block 4
        e.recordOffload(3, 100, Duration.ofMillis(20), Duration.ofMillis(4));
        assertEquals(4.0, e.gatewayMs(3), EPS);
        assertEquals(4.0 * 9 / 17, e.gatewayMs(4), EPS);
        assertEquals(3.3, e.gatewayMs(1), EPS);
    }

    @Test
    void theFirstOffloadsOfARunAreThePeersWarmUpAndNotRecorded() {
        CostEstimates e = slowBoard(2);
        // measured in the demo: 515 and 439 ms round trips, 296 ms of the first the gateway's first run
        e.recordOffload(1, 100, Duration.ofMillis(515), Duration.ofMillis(296));
        e.recordOffload(1, 100, Duration.ofMillis(439), Duration.ofMillis(37));
        assertFalse(e.linkMeasured());
        assertFalse(e.linkAnswered());
        assertEquals(0.0, e.gatewayMs(1), EPS);
        e.recordOffload(1, 100, Duration.ofMillis(61), Duration.ofMillis(11));
        assertTrue(e.linkMeasured());
        assertTrue(e.linkAnswered());
        assertEquals(11.0, e.gatewayMs(1), EPS);
        assertEquals(50.0 - 100 / e.throughputBytesPerMs(), e.roundTripMs(), EPS);
    }

    @Test
    void aMissedDeadlineIsRecordedEvenDuringTheWarmUp() {
        CostEstimates e = slowBoard(32);
        e.recordMissedOffload(1, 100, Duration.ofSeconds(1));
        assertTrue(e.linkMeasured(), "a slow link shows at once, not after 32 answers");
        assertFalse(e.linkAnswered(), "but no answer measured it: the device keeps probing at the warm-up pace");
        assertEquals(1000.0 - 100 / e.throughputBytesPerMs(), e.roundTripMs(), EPS);
        // issue 15: the miss ends the warm-up, and the first answer replaces a fit of misses only (a miss says
        // "at least the deadline"; priced at choice time, a fit left at 1 s would keep every offload priced out)
        e.recordOffload(1, 100, Duration.ofMillis(20), Duration.ofMillis(5));
        assertEquals(15.0 - 100 / e.throughputBytesPerMs(), e.roundTripMs(), EPS, "the answer replaces the miss");
        assertTrue(e.linkAnswered());
        assertEquals(2.5, e.gatewayMs(1), EPS, "the miss's 0 and the answer's 5 ms at weight 0.5");
        e.recordOffload(1, 100, Duration.ofMillis(30), Duration.ofMillis(5));
        assertEquals(15.0 + 0.5 * 10 - 100 / e.throughputBytesPerMs(), e.roundTripMs(), EPS,
                "later answers are fitted as usual, not skipped as warm-up");
        e.recordMissedOffload(1, 100, Duration.ofSeconds(1));
        assertTrue(e.roundTripMs() > 200, "a miss after an answer enters the fit as usual: " + e.roundTripMs());
    }

    @Test
    void withoutAWarmUpEveryOffloadIsRecorded() {
        CostEstimates e = slowBoard(0);
        e.recordOffload(1, 100, Duration.ofMillis(515), Duration.ofMillis(296));
        assertTrue(e.linkMeasured());
        assertEquals(296.0, e.gatewayMs(1), EPS);
    }

    @Test
    void aNegativeWarmUpIsRefused() {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> new CostEstimates(4, 0.5, -1));
        assertEquals("warmUpOffloads: -1 must be ≥ 0", x.getMessage());
    }

    @Test
    void aDescheduledCallRaisesABlocksEstimateByAtMostThirtyPercentAndALastingRiseIsFollowed() {
        CostEstimates e = new CostEstimates(2, 0.1);
        e.recordBlock(2, Duration.ofMillis(1));
        e.recordBlock(2, Duration.ofMillis(28)); // a time slice of a loaded host, not the block's cost
        assertEquals(1.3, e.blockMs(2), EPS);     // counted as 4 ms: 1 + 0.1 × 3 (uncapped: 3.7)
        e.recordExit(1, Duration.ofMillis(1));
        e.recordExit(1, Duration.ofMillis(60));
        assertEquals(1.3, e.exitMs(1), EPS);
        for (int k = 0; k < 60; k++) {
            e.recordBlock(2, Duration.ofMillis(5)); // a board really five times slower
        }
        assertEquals(5.0, e.blockMs(2), 0.01);
        e.recordBlock(2, Duration.ofNanos(500_000)); // a fall is taken as measured
        assertEquals(5.0 + 0.1 * (0.5 - 5.0), e.blockMs(2), 0.01);
    }

    /**
     * Issue 15: the steady view (what a learner prices its arms with) is the median of the last 63 observations. A
     * block measured at 1 ms 63 times and then at 10 ms (a garbage collection, a load spike) 31 times is still 1 ms
     * there, while the smoothed mean (weight 0.1, each observation capped at 4 times the estimate: ×1.3 a step until
     * 4 × the estimate passes 10, then 10 − (10 − x) × 0.9 a step) has followed the spike; the 32nd slow run, a
     * majority of the window, moves the median.
     */
    @Test
    void theSteadyBlockTimeIsTheMedianOfTheWindow() {
        CostEstimates e = new CostEstimates(2, 0.1);
        for (int k = 0; k < CostEstimates.STEADY_WINDOW; k++) {
            e.recordBlock(1, Duration.ofMillis(1));
            e.recordExit(1, Duration.ofMillis(1));
        }
        for (int k = 0; k < 31; k++) {
            e.recordBlock(1, Duration.ofMillis(10));
        }
        double fast = 1;
        for (int k = 0; k < 31; k++) {
            fast += 0.1 * (Math.min(10, CostEstimates.COMPUTE_SPIKE_CAP * fast) - fast);
        }
        assertEquals(fast, e.blockMs(1), 1e-9);
        assertTrue(fast > 9, "the smoothed mean followed: " + fast);
        assertEquals(1.0, e.blockMs(1, CostEstimates.Estimate.STEADY), EPS);
        assertEquals(2.0, e.deviceMs(1, false, CostEstimates.Estimate.STEADY), EPS, "block 1 and exit 1");
        e.recordBlock(1, Duration.ofMillis(10));
        assertEquals(10.0, e.blockMs(1, CostEstimates.Estimate.STEADY), EPS, "a lasting change, once half the window");
    }

    /**
     * The steady round trip is the median of the last 63 link times less each one's transfer time. Offloads of 1,000
     * bytes answered in 11 ms (no gateway time; the slope stays the default 1/1,000 ms per byte, the sizes never
     * differ): 10 ms in both views. One missed 500 ms deadline: the smoothed round trip becomes
     * 11 + 0.1 × (500 − 11) − 1 = 58.9 ms (every offloading arm priced some 5 units up at 0.1 per ms), the steady one
     * stays 10 ms; a link that really became slower (41 ms answers) moves it once the slow observations are a
     * majority: with the miss, after 31 of them.
     */
    @Test
    void theSteadyRoundTripIgnoresAMissAndFollowsALastingChange() {
        CostEstimates e = new CostEstimates(2, 0.1);
        for (int k = 0; k < CostEstimates.STEADY_WINDOW; k++) {
            e.recordOffload(1, 1000, Duration.ofMillis(11), Duration.ZERO);
        }
        assertEquals(10.0, e.roundTripMs(), 1e-9);
        assertEquals(10.0, e.roundTripMs(CostEstimates.Estimate.STEADY), 1e-9);
        e.recordMissedOffload(1, 1000, Duration.ofMillis(500));
        assertEquals(58.9, e.roundTripMs(), 1e-9);
        assertEquals(10.0, e.roundTripMs(CostEstimates.Estimate.STEADY), 1e-9);
        assertEquals(11.0, e.linkMs(1000, CostEstimates.Estimate.STEADY), 1e-9, "round trip and transfer");
        for (int k = 0; k < 30; k++) {
            e.recordOffload(1, 1000, Duration.ofMillis(41), Duration.ZERO);
        }
        assertEquals(10.0, e.roundTripMs(CostEstimates.Estimate.STEADY), 1e-9, "32 of 63 still at 10 ms");
        e.recordOffload(1, 1000, Duration.ofMillis(41), Duration.ZERO);
        assertEquals(40.0, e.roundTripMs(CostEstimates.Estimate.STEADY), 1e-9, "32 of 63 at 40 ms or more");
    }

    /** The steady view starts where the smoothed one does: a restore, and missed deadlines replaced by an answer. */
    @Test
    void theSteadyViewRestartsLikeTheSmoothedOne() {
        CostEstimates e = slowBoard(0);
        e.recordMissedOffload(1, 100, Duration.ofSeconds(1));
        e.recordMissedOffload(1, 100, Duration.ofSeconds(1));
        assertEquals(1000.0 - 0.1, e.roundTripMs(CostEstimates.Estimate.STEADY), 1e-9);
        e.recordOffload(1, 100, Duration.ofMillis(20), Duration.ofMillis(5));
        assertEquals(15.0 - 0.1, e.roundTripMs(CostEstimates.Estimate.STEADY), 1e-9, "the answer replaces the misses");
        CostEstimates r = new CostEstimates(4, 0.5);
        r.restore(e.snapshot());
        assertEquals(8.0, r.blockMs(2, CostEstimates.Estimate.STEADY), EPS);
        assertEquals(e.roundTripMs(), r.roundTripMs(CostEstimates.Estimate.STEADY), 1e-9);
        assertEquals(e.gatewayMs(1), r.gatewayMs(1, CostEstimates.Estimate.STEADY), 1e-9);
    }

    /**
     * Observations older than 500 samples leave the steady medians. 63 offloads of 1,000 bytes answered in 21 ms
     * (a round trip of 20 ms); then the learner keeps every sample on the device for 501 samples, and one probe of
     * 1,000 bytes comes back in 11 ms. Steady, the probe alone is recent: 10 ms (before the age limit the 63 old
     * offloads outvoted the probes for 3,350 samples in a demo run); smoothed, 21 + 0.1 × (11 − 21) − 1 = 19 ms.
     */
    @Test
    void theSteadyViewForgetsObservationsOlderThanItsAgeLimit() {
        CostEstimates e = new CostEstimates(2, 0.1);
        for (int k = 0; k < CostEstimates.STEADY_WINDOW; k++) {
            e.sampleStarted();
            e.recordOffload(1, 1000, Duration.ofMillis(21), Duration.ZERO);
        }
        for (int k = 0; k < CostEstimates.STEADY_MAX_AGE + 1; k++) {
            e.sampleStarted();
        }
        assertEquals(20.0, e.roundTripMs(CostEstimates.Estimate.STEADY), 1e-9, "nothing recent: the smoothed one");
        e.recordOffload(1, 1000, Duration.ofMillis(11), Duration.ZERO);
        assertEquals(10.0, e.roundTripMs(CostEstimates.Estimate.STEADY), 1e-9);
        assertEquals(19.0, e.roundTripMs(), 1e-9);
    }

    /**
     * A gateway start block without recent observations is scaled from the nearest one with them. 8 ms blocks and
     * 1 ms exits; features after block 2 took the gateway 4 ms (blocks 3..4 and the final exit); 500 samples later a
     * raw probe takes it 3.3 ms (blocks 1..4 and the exit: 33 ms on the device). Steady: 3.3 × 17 / 33 = 1.7 ms from
     * block 3; smoothed: the 4 ms measured there.
     */
    @Test
    void aStaleGatewaySegmentIsScaledFromARecentOne() {
        CostEstimates e = slowBoard(0);
        e.recordOffload(3, 10_000, Duration.ofMillis(20), Duration.ofMillis(4));
        for (int k = 0; k < CostEstimates.STEADY_MAX_AGE + 1; k++) {
            e.sampleStarted();
        }
        e.recordOffload(1, 3_000, Duration.ofMillis(20), Duration.ofMillis(3).plusNanos(300_000));
        assertEquals(1.7, e.gatewayMs(3, CostEstimates.Estimate.STEADY), 1e-9);
        assertEquals(4.0, e.gatewayMs(3), 1e-9);
        assertEquals(3.3, e.gatewayMs(1, CostEstimates.Estimate.STEADY), 1e-9);
    }
}
