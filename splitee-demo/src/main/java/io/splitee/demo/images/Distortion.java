package io.splitee.demo.images;

import java.util.Locale;
import java.util.Random;

/**
 * A distortion of 8-bit grayscale or channel-planar images, deterministic for a seed and a sample
 * index (so a sample looks the same whatever order it is sent in). Each has the model trace it
 * corresponds to: the training script distorts float pixels in PyTorch, so the images here are
 * close to, not bit-identical with, the ones the trace was made from (for noise they differ in every
 * pixel; blur and dim differ only by rounding to 8 bits).
 */
public enum Distortion {
    /** The image as it is. Trace {@code clean}. */
    CLEAN("clean", "clean"),
    /** Additive gaussian noise, σ = 0.1 of full scale (25.5 levels), rounded and clipped to 0..255. Trace {@code noise-0.1}. */
    NOISE("noise", "noise-0.1"),
    /** Gaussian blur, 5x5 kernel, σ = 1, reflect padding at the edges. Trace {@code blur-1}. */
    BLUR("blur", "blur-1"),
    /** Contrast halved about the image's mean: {@code p' = 0.5·(p − mean) + mean}. Trace {@code contrast-0.5}. */
    DIM("dim", "contrast-0.5");

    /** Standard deviation of {@link #NOISE}, in 8-bit levels. */
    public static final double NOISE_SIGMA_LEVELS = 0.1 * 255;
    /** Gaussian blur σ in pixels. */
    public static final double BLUR_SIGMA = 1.0;
    /** Blur kernel size (odd). */
    public static final int BLUR_KERNEL = 5;
    /** Contrast factor of {@link #DIM}. */
    public static final double DIM_FACTOR = 0.5;

    private static final double[] KERNEL = gaussianKernel(BLUR_KERNEL, BLUR_SIGMA);

    private final String flag;
    private final String traceName;

    Distortion(String flag, String traceName) {
        this.flag = flag;
        this.traceName = traceName;
    }

    /** The command-line name: {@code clean}, {@code noise}, {@code blur} or {@code dim}. */
    public String flag() {
        return flag;
    }

    /** The name of the model package's trace made with the corresponding distortion. */
    public String traceName() {
        return traceName;
    }

    /**
     * The distortion named on the command line.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Distortion parse(String name) {
        String v = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Distortion d : values()) {
            if (d.flag.equals(v)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown distortion '" + name + "' (clean, noise, blur or dim)");
    }

    /**
     * Distorts one image.
     *
     * @param pixels   unsigned 8-bit pixels, channel-planar ({@code [c][h][w]}); not modified
     * @param height   rows
     * @param width    columns
     * @param seed     the run's seed
     * @param sample   the sample's index (the noise of sample i is the same in every run with this seed)
     * @return a new array of the same size
     * @throws IllegalArgumentException if the sizes disagree
     */
    public byte[] apply(byte[] pixels, int height, int width, long seed, long sample) {
        int plane = height * width;
        if (height < 1 || width < 1 || pixels.length == 0 || pixels.length % plane != 0) {
            throw new IllegalArgumentException("pixels: " + pixels.length + " bytes are not whole "
                    + width + "x" + height + " planes");
        }
        return switch (this) {
            case CLEAN -> pixels.clone();
            case NOISE -> noise(pixels, new Random(mix(seed, sample)));
            case BLUR -> blur(pixels, height, width);
            case DIM -> dim(pixels, plane);
        };
    }

    private static long mix(long seed, long sample) {
        long z = seed * 0x9E3779B97F4A7C15L + sample;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static byte[] noise(byte[] in, Random rng) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = clip((in[i] & 0xFF) + NOISE_SIGMA_LEVELS * rng.nextGaussian());
        }
        return out;
    }

    private static byte[] blur(byte[] in, int height, int width) {
        int r = BLUR_KERNEL / 2;
        int plane = height * width;
        byte[] out = new byte[in.length];
        double[] tmp = new double[plane];
        for (int base = 0; base < in.length; base += plane) {
            for (int y = 0; y < height; y++) { // horizontal pass
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int k = -r; k <= r; k++) {
                        s += KERNEL[k + r] * (in[base + y * width + reflect(x + k, width)] & 0xFF);
                    }
                    tmp[y * width + x] = s;
                }
            }
            for (int y = 0; y < height; y++) { // vertical pass
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int k = -r; k <= r; k++) {
                        s += KERNEL[k + r] * tmp[reflect(y + k, height) * width + x];
                    }
                    out[base + y * width + x] = clip(s);
                }
            }
        }
        return out;
    }

    private static byte[] dim(byte[] in, int plane) {
        byte[] out = new byte[in.length];
        for (int base = 0; base < in.length; base += plane) {
            double sum = 0;
            for (int i = base; i < base + plane; i++) {
                sum += in[i] & 0xFF;
            }
            double mean = sum / plane;
            for (int i = base; i < base + plane; i++) {
                out[i] = clip(DIM_FACTOR * ((in[i] & 0xFF) - mean) + mean);
            }
        }
        return out;
    }

    /** Reflect padding without repeating the edge (…2 1 | 0 1 2 … n−1 | n−2 …), as torchvision's. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    /** A normalised 1-D gaussian kernel (the 2-D kernel is its outer product). */
    static double[] gaussianKernel(int size, double sigma) {
        double[] k = new double[size];
        int r = size / 2;
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double x = i - r;
            k[i] = Math.exp(-x * x / (2 * sigma * sigma));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) {
            k[i] /= sum;
        }
        return k;
    }

    private static byte clip(double v) {
        long r = Math.round(v);
        return (byte) (r < 0 ? 0 : r > 255 ? 255 : r);
    }
}
