package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.cost.CostEstimates;
import io.splitee.testing.FakeSegmentRunner;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * An emulated board ({@code runtime.board-slowdown} F) records F times each call's measured time and really waits
 * the difference. The clock here advances 1 ms at every read, so each call measures exactly 1 ms; the wait is real
 * time (a lower bound only: a parked thread may wake late, and that is this host's, not the board's).
 */
class ComputeSlowdownTest {

    private static final long MS = 1_000_000;

    @Test
    void recordsFTimesTheCallAndWaitsTheRest() {
        AtomicLong clock = new AtomicLong();
        FakeSegmentRunner runner = new FakeSegmentRunner(10, 4, 4, 4, 4);
        CostEstimates estimates = new CostEstimates(3, 0.1);
        Compute compute = new Compute(runner, estimates, null, () -> clock.addAndGet(MS), 4.0);
        Sample s = new Sample("s1", null, 0, 3, false);
        long t0 = System.nanoTime();
        compute.confidence(s, 3); // blocks 1..3 and exit 3: four calls
        long wall = System.nanoTime() - t0;
        assertEquals(4 * 4 * MS, s.deviceNanos, "F × 1 ms for each of the four calls");
        for (int b = 1; b <= 3; b++) {
            assertEquals(4.0, estimates.blockMs(b), 1e-9, "block " + b);
        }
        assertTrue(wall >= 4 * 3 * MS, "waited (F − 1) × 1 ms after each of the four calls: " + wall / 1e6 + " ms");
    }

    @Test
    void noSlowdownRecordsTheCallAsMeasured() {
        AtomicLong clock = new AtomicLong();
        Compute compute = new Compute(new FakeSegmentRunner(10, 4, 4, 4, 4), new CostEstimates(3, 0.1), null,
                () -> clock.addAndGet(MS), 1.0);
        Sample s = new Sample("s1", null, 0, 3, false);
        compute.confidence(s, 3);
        assertEquals(4 * MS, s.deviceNanos);
    }
}
