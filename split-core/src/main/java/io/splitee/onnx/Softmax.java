package io.splitee.onnx;

import java.util.Objects;

/**
 * Confidence of a classifier output, computed in Java: argmax and maximum softmax probability of a
 * logits vector, numerically stable (the maximum logit is subtracted before exponentiating; sums in
 * double). Non-finite logits are rejected, never turned into a NaN confidence.
 */
public final class Softmax {

    private Softmax() {
    }

    /**
     * Index of the largest logit; the first one on ties (as {@code torch.argmax} and NumPy do).
     *
     * @param logits the logits array
     * @param offset first logit
     * @param length number of classes, at least 1
     * @return class index in {@code [0, length)}
     * @throws IllegalArgumentException if a logit is NaN or infinite, or the range is empty
     * @throws IndexOutOfBoundsException if the range does not fit the array
     */
    public static int argmax(float[] logits, int offset, int length) {
        checkRange(logits, offset, length);
        int best = 0;
        float max = logits[offset];
        for (int i = 0; i < length; i++) {
            float v = logits[offset + i];
            if (!Float.isFinite(v)) {
                throw nonFinite(v, i);
            }
            if (v > max) {
                max = v;
                best = i;
            }
        }
        return best;
    }

    /**
     * @param logits the logits of one sample
     * @return {@link #argmax(float[], int, int)} over the whole array
     */
    public static int argmax(float[] logits) {
        return argmax(logits, 0, logits.length);
    }

    /**
     * Maximum softmax probability: {@code 1 / sum_j exp(l_j - max_k l_k)}.
     *
     * @param logits the logits array
     * @param offset first logit
     * @param length number of classes, at least 1
     * @return the confidence in {@code (1/length, 1]} (exactly 1/length when all logits are equal)
     * @throws IllegalArgumentException if a logit is NaN or infinite, or the range is empty
     * @throws IndexOutOfBoundsException if the range does not fit the array
     */
    public static float maxProbability(float[] logits, int offset, int length) {
        float max = logits[offset + argmax(logits, offset, length)];
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += Math.exp((double) logits[offset + i] - max);
        }
        return (float) (1.0 / sum);
    }

    /**
     * @param logits the logits of one sample
     * @return {@link #maxProbability(float[], int, int)} over the whole array
     */
    public static float maxProbability(float[] logits) {
        return maxProbability(logits, 0, logits.length);
    }

    /**
     * The full softmax distribution.
     *
     * @param logits the logits array
     * @param offset first logit
     * @param length number of classes, at least 1
     * @param out destination, {@code length} probabilities written from {@code outOffset}
     * @param outOffset first destination index
     * @throws IllegalArgumentException if a logit is NaN or infinite, or the range is empty
     * @throws IndexOutOfBoundsException if a range does not fit its array
     */
    public static void softmax(float[] logits, int offset, int length, float[] out, int outOffset) {
        Objects.checkFromIndexSize(outOffset, length, out.length);
        float max = logits[offset + argmax(logits, offset, length)];
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += Math.exp((double) logits[offset + i] - max);
        }
        for (int i = 0; i < length; i++) {
            out[outOffset + i] = (float) (Math.exp((double) logits[offset + i] - max) / sum);
        }
    }

    private static void checkRange(float[] logits, int offset, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("length must be at least 1, was " + length);
        }
        Objects.checkFromIndexSize(offset, length, logits.length);
    }

    private static IllegalArgumentException nonFinite(float v, int index) {
        return new IllegalArgumentException("logit " + index + " is " + v + "; confidence is undefined");
    }
}
