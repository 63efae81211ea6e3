package io.splitee.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.splitee.onnx.Softmax;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class FakeSegmentRunnerTest {

    @Test
    void exitsAnswerTheScriptOfTheSampleTaggedInTheInput() {
        FakeSegmentRunner r = new FakeSegmentRunner(10, 4, 3, 2, 2).script(7, new double[] {0.3, 0.6, 0.95},
                new int[] {1, 2, 3});
        FloatBuffer in = FloatBuffer.wrap(new float[] {7, 0, 0, 0});
        FloatBuffer b1 = FloatBuffer.allocate(3);
        FloatBuffer b3 = FloatBuffer.allocate(2);
        float[] logits = new float[10];
        r.runBlocks(1, 1, in, b1);
        r.runExit(1, b1, logits);
        assertEquals(0.3, Softmax.maxProbability(logits), 1e-6);
        assertEquals(1, Softmax.argmax(logits));
        r.runBlocks(2, 3, b1, b3);
        r.runExit(3, b3, logits);
        assertEquals(0.95, Softmax.maxProbability(logits), 1e-6);
        assertEquals(3, Softmax.argmax(logits));
        assertEquals(1, r.blockCalls(1));
        assertEquals(1, r.blockCalls(3));
        assertEquals(3, r.blockCalls());
        assertEquals(1, r.exitCalls(3));
        assertEquals(0, r.exitCalls(2));

        FloatBuffer other = FloatBuffer.wrap(new float[] {8, 0, 0, 0});
        r.defaultConfidence(0.7).runBlockWithExit(1, other, b1, logits);
        assertEquals(0.7, Softmax.maxProbability(logits), 1e-6);
        assertEquals(0, Softmax.argmax(logits));
        r.close();
        assertThrows(IllegalStateException.class, () -> r.runExit(1, b1, logits));
    }

    @Test
    void rejectsUnreachableConfidences() {
        FakeSegmentRunner r = new FakeSegmentRunner(4, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> r.script(1, 0.2));
        assertThrows(IllegalArgumentException.class, () -> r.script(1, 1.0));
    }
}
