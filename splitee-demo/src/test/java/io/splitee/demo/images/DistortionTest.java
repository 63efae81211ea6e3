package io.splitee.demo.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DistortionTest {
    static final int H = 28;
    static final int W = 28;

    static byte[] constant(int v) {
        byte[] b = new byte[H * W];
        Arrays.fill(b, (byte) v);
        return b;
    }

    /** A left-to-right ramp 0..243 (no clipping under dim). */
    static byte[] ramp() {
        byte[] b = new byte[H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                b[y * W + x] = (byte) (x * 9);
            }
        }
        return b;
    }

    static double mean(byte[] b) {
        double s = 0;
        for (byte v : b) {
            s += v & 0xFF;
        }
        return s / b.length;
    }

    static double std(byte[] b) {
        double m = mean(b);
        double s = 0;
        for (byte v : b) {
            s += ((v & 0xFF) - m) * ((v & 0xFF) - m);
        }
        return Math.sqrt(s / b.length);
    }

    @Test
    void cleanIsACopy() {
        byte[] in = ramp();
        byte[] out = Distortion.CLEAN.apply(in, H, W, 1, 0);
        assertArrayEquals(in, out);
        out[0] = 1;
        assertEquals(0, in[0], "the input is not modified");
    }

    @Test
    void noiseHasSigmaTenPercentOfFullScaleAndIsSeededPerSample() {
        byte[] gray = constant(128);
        byte[] a = Distortion.NOISE.apply(gray, H, W, 7, 3);
        assertArrayEquals(a, Distortion.NOISE.apply(gray, H, W, 7, 3), "same seed and sample: same image");
        assertFalse(Arrays.equals(a, Distortion.NOISE.apply(gray, H, W, 7, 4)), "another sample: other noise");
        assertFalse(Arrays.equals(a, Distortion.NOISE.apply(gray, H, W, 8, 3)), "another seed: other noise");
        // pool a few samples for a stable estimate: σ = 25.5 levels, mean unchanged (no clipping at 128)
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (int s = 0; s < 20; s++) {
            for (byte v : Distortion.NOISE.apply(gray, H, W, 7, s)) {
                double d = (v & 0xFF) - 128;
                sum += d;
                sq += d * d;
                n++;
            }
        }
        double m = sum / n;
        double sigma = Math.sqrt(sq / n - m * m);
        assertEquals(0, m, 0.5, "mean shift");
        assertEquals(25.5, sigma, 0.6, "σ in 8-bit levels");
    }

    @Test
    void noiseIsClippedToEightBits() {
        byte[] out = Distortion.NOISE.apply(constant(250), H, W, 1, 0);
        int max = 0;
        for (byte v : out) {
            max = Math.max(max, v & 0xFF);
        }
        assertEquals(255, max, "values above 255 are clipped, not wrapped");
        byte[] low = Distortion.NOISE.apply(constant(3), H, W, 1, 0);
        for (byte v : low) {
            assertTrue((v & 0xFF) < 120, "values below 0 are clipped, not wrapped: " + (v & 0xFF));
        }
    }

    @Test
    void blurKeepsAConstantImageAndSpreadsAnImpulseAsAFiveByFiveGaussian() {
        assertArrayEquals(constant(77), Distortion.BLUR.apply(constant(77), H, W, 1, 0));
        byte[] impulse = new byte[H * W];
        impulse[14 * W + 14] = (byte) 255;
        byte[] out = Distortion.BLUR.apply(impulse, H, W, 1, 0);
        double[] k = Distortion.gaussianKernel(5, 1.0);
        assertEquals(1.0, Arrays.stream(k).sum(), 1e-12);
        assertEquals(Math.round(255 * k[2] * k[2]), out[14 * W + 14] & 0xFF, "centre weight");
        assertEquals(Math.round(255 * k[0] * k[2]), out[14 * W + 16] & 0xFF, "two pixels right");
        assertEquals(out[14 * W + 12] & 0xFF, out[14 * W + 16] & 0xFF, "symmetric");
        assertEquals(0, out[14 * W + 17] & 0xFF, "nothing beyond the 5x5 kernel");
        assertEquals(0, out[17 * W + 14] & 0xFF, "nothing beyond the 5x5 kernel");
    }

    @Test
    void reflectPaddingMirrorsWithoutRepeatingTheEdge() {
        assertEquals(1, Distortion.reflect(-1, 5));
        assertEquals(2, Distortion.reflect(-2, 5));
        assertEquals(3, Distortion.reflect(5, 5));
        assertEquals(2, Distortion.reflect(6, 5));
        assertEquals(4, Distortion.reflect(4, 5));
        assertEquals(0, Distortion.reflect(3, 1));
    }

    @Test
    void dimHalvesTheContrastAboutTheMean() {
        byte[] in = ramp();
        byte[] out = Distortion.DIM.apply(in, H, W, 1, 0);
        assertEquals(mean(in), mean(out), 0.5, "the mean stays");
        assertEquals(std(in) / 2, std(out), 0.5, "the spread halves");
    }

    @Test
    void namesAndTraces() {
        assertEquals(Distortion.NOISE, Distortion.parse("noise"));
        assertEquals(Distortion.DIM, Distortion.parse(" DIM "));
        assertEquals("noise-0.1", Distortion.NOISE.traceName());
        assertEquals("blur-1", Distortion.BLUR.traceName());
        assertEquals("contrast-0.5", Distortion.DIM.traceName());
        assertEquals("clean", Distortion.CLEAN.traceName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Distortion.parse("fog"));
        assertTrue(e.getMessage().contains("clean, noise, blur or dim"), e.getMessage());
    }

    @Test
    void rejectsPixelsThatAreNotWholePlanes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Distortion.BLUR.apply(new byte[10], H, W, 1, 0));
        assertTrue(e.getMessage().contains("28x28"), e.getMessage());
    }
}
