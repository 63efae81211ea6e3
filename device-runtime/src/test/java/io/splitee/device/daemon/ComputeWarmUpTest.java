package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.cost.CostEstimates;
import io.splitee.testing.FakeSegmentRunner;
import org.junit.jupiter.api.Test;

/**
 * The warm-up before the first sample runs every block and exit and measures none of them: the first runs of
 * ONNX Runtime and the JIT (about 20 times a steady run on the demo's ×8 board) are not what arms are priced by.
 */
class ComputeWarmUpTest {

    @Test
    void everyBlockAndExitRunsAndNothingIsRecorded() {
        FakeSegmentRunner runner = new FakeSegmentRunner(10, 4, 4, 4, 4);
        CostEstimates estimates = new CostEstimates(3, 0.1);
        Compute compute = new Compute(runner, estimates, System::nanoTime);
        compute.warmUp(Pipeline.WARM_UP_PASSES);
        for (int i = 1; i <= 3; i++) {
            assertEquals(Pipeline.WARM_UP_PASSES, runner.blockCalls(i), "block " + i);
            assertEquals(Pipeline.WARM_UP_PASSES, runner.exitCalls(i), "exit " + i);
            assertEquals(0.0, estimates.blockMs(i), "block " + i + " not measured");
        }
        assertFalse(estimates.deviceMeasured());
    }
    /**
     * Issue 15: then {@value Pipeline#TIMED_WARM_UP_PASSES} timed passes seed the estimates, emulated like a sample.
     * On a clock that reads 1 ms later at every call and a board slowdown of 4, each call is recorded as 4 ms (its
     * 1 ms and the emulated 3 ms), so every block and exit is priced at 4 ms before the first sample, in both views;
     * the passes took 5 × 3 × (4 + 4) = 120 ms of device time.
     */
    @Test
    void theTimedPassesSeedEveryBlockAndExit() {
        FakeSegmentRunner runner = new FakeSegmentRunner(10, 4, 4, 4, 4);
        CostEstimates estimates = new CostEstimates(3, 0.1);
        long[] now = {0};
        Compute compute = new Compute(runner, estimates, null, () -> now[0] += 1_000_000, 4.0);
        long nanos = compute.timedWarmUp(Pipeline.TIMED_WARM_UP_PASSES);
        assertEquals(120_000_000L, nanos);
        for (int i = 1; i <= 3; i++) {
            assertEquals(Pipeline.TIMED_WARM_UP_PASSES, runner.blockCalls(i), "block " + i);
            assertEquals(4.0, estimates.blockMs(i), 1e-9, "block " + i);
            assertEquals(4.0, estimates.blockMs(i, CostEstimates.Estimate.STEADY), 1e-9, "block " + i);
            assertEquals(4.0, estimates.exitMs(i), 1e-9, "exit " + i);
        }
        assertTrue(estimates.deviceMeasured());
        assertEquals(16.0, estimates.deviceMs(3, false, CostEstimates.Estimate.STEADY), 1e-9, "3 blocks and exit 3");
    }
}
