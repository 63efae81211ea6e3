package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.splitee.model.ModelPackage;
import io.splitee.testing.FakeSegmentRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link Worker#warmUp}: every segment a frame can ask for (after block 0..L) runs once per pass, on a
 * {@link FakeSegmentRunner} (it counts calls) sized like the shipped model.
 */
class WorkerWarmUpTest {
    private static final Path MODEL = Path.of("../models/fmnist-resnet12");

    @Test
    void everySegmentRunsOncePerPass() throws Exception {
        ServedModel m = new ServedModel(0, ModelPackage.load(MODEL));
        int[] sizes = new int[m.depth + 1];
        for (int b = 0; b <= m.depth; b++) {
            sizes[b] = m.tensorAfterBlock.get(b).elementCount();
        }
        FakeSegmentRunner runner = new FakeSegmentRunner(m.classes, sizes);
        Worker.warmUp(runner, m, 3);
        for (int b = 1; b <= m.depth; b++) {
            // the segment after block s runs blocks s+1..L: block b belongs to the segments after 0..b-1
            assertEquals(3 * b, runner.blockCalls(b), "block " + b);
        }
        assertEquals(3 * (m.depth + 1), runner.exitCalls(m.depth), "final exit, once per segment and pass");
        for (int e = 1; e < m.depth; e++) {
            assertEquals(0, runner.exitCalls(e), "exit " + e + " is the device's, never the gateway's");
        }
    }
}
