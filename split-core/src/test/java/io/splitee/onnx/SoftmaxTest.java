package io.splitee.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoftmaxTest {

    @Test
    void argmaxTakesTheFirstOfEqualMaxima() {
        assertEquals(1, Softmax.argmax(new float[] {0f, 3f, 3f, -1f}));
        assertEquals(0, Softmax.argmax(new float[] {2f, 2f}));
        assertEquals(1, Softmax.argmax(new float[] {9f, 1f, 2f, 0f}, 1, 3), "index relative to the offset");
    }

    @Test
    void maxProbabilityMatchesTheDefinition() {
        float[] logits = {1f, 2f, 3f};
        double sum = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertEquals(Math.exp(3) / sum, Softmax.maxProbability(logits), 1e-7);
        assertEquals(0.25f, Softmax.maxProbability(new float[] {4f, 4f, 4f, 4f}), 1e-7);
        assertEquals(1f, Softmax.maxProbability(new float[] {7f}));
    }

    @Test
    void isStableForHugeLogits() {
        float[] logits = {1000f, 999f, -1000f};
        float p = Softmax.maxProbability(logits);
        assertTrue(Float.isFinite(p));
        assertEquals(1 / (1 + Math.exp(-1)), p, 1e-6);
        float[] probs = new float[3];
        Softmax.softmax(logits, 0, 3, probs, 0);
        assertEquals(1.0, probs[0] + probs[1] + probs[2], 1e-6);
        assertEquals(0f, probs[2]);
    }

    @Test
    void softmaxWritesAtTheOffset() {
        float[] out = new float[5];
        Softmax.softmax(new float[] {0f, 0f}, 0, 2, out, 3);
        assertEquals(0f, out[2]);
        assertEquals(0.5f, out[3]);
        assertEquals(0.5f, out[4]);
    }

    @Test
    void nonFiniteLogitsAreRejectedNotTurnedIntoNaN() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Softmax.maxProbability(new float[] {1f, Float.NaN}));
        assertTrue(e.getMessage().contains("logit 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Softmax.argmax(new float[] {Float.POSITIVE_INFINITY, 1f}));
        assertThrows(IllegalArgumentException.class,
                () -> Softmax.softmax(new float[] {Float.NEGATIVE_INFINITY}, 0, 1, new float[1], 0));
    }

    @Test
    void badRangesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Softmax.argmax(new float[0]));
        assertThrows(IndexOutOfBoundsException.class, () -> Softmax.argmax(new float[3], 2, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Softmax.softmax(new float[3], 0, 3, new float[2], 0));
    }
}
