package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
