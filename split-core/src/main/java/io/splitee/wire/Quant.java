package io.splitee.wire;

import java.nio.FloatBuffer;

/** Affine int8 quantisation: {@code x = scale * (q - zeroPoint)}, q and zeroPoint in [-128, 127]. */
final class Quant {

    /** Largest scale a decoder accepts: keeps {@code 255 * scale} finite. */
    static final float MAX_SCALE = Float.MAX_VALUE / 256f;

    private Quant() {
    }

    /**
     * Chooses scale and zero point for values {@code data[from, from+len)} (absolute indices): the
     * range is widened to include 0 so that 0 is exact (post-ReLU zeros stay zeros).
     */
    static void choose(FloatBuffer data, int from, int len, float[] scales, byte[] zeroPoints, int channel) {
        float lo = 0f;
        float hi = 0f;
        for (int i = from; i < from + len; i++) {
            float x = data.get(i);
            if (x < lo) {
                lo = x;
            } else if (x > hi) {
                hi = x;
            }
        }
        double range = (double) hi - (double) lo;
        if (range > (double) Float.MAX_VALUE * 255.0 / 256.0) {
            throw new IllegalArgumentException("data: values span " + range + ", too wide for int8 encoding (max "
                    + (double) Float.MAX_VALUE * 255.0 / 256.0 + ")");
        }
        if (range == 0) {
            scales[channel] = 1f;
            zeroPoints[channel] = 0;
            return;
        }
        float scale = (float) (range / 255.0);
        if (scale < Float.MIN_NORMAL) {
            scale = Float.MIN_NORMAL;
        }
        long zp = Math.round(-128.0 - lo / (double) scale);
        scales[channel] = scale;
        zeroPoints[channel] = (byte) Math.max(-128, Math.min(127, zp));
    }

    /** Quantises {@code data[from, from+len)} into {@code out[outOff...]}. */
    static void quantize(FloatBuffer data, int from, int len, float scale, int zeroPoint, byte[] out, int outOff) {
        float inv = 1f / scale;
        for (int i = 0; i < len; i++) {
            long q = Math.round(data.get(from + i) * inv) + zeroPoint;
            out[outOff + i] = (byte) Math.max(-128, Math.min(127, q));
        }
    }

    /** True if a decoder accepts this scale. */
    static boolean validScale(float scale) {
        return scale > 0f && scale <= MAX_SCALE; // false for NaN
    }
}
