package io.splitee.bench;

import io.splitee.wire.ManifestHash;
import io.splitee.wire.ModelCatalog;
import io.splitee.wire.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic tensors for the wire benchmarks, shaped like the shipped model (fmnist-resnet12) until
 * real features can be dumped from it.
 *
 * <p>Features imitate post-ReLU activations: per channel, a smooth random field (two random 2-D
 * sinusoids) plus Gaussian noise, times a random gain, minus a random bias, then ReLU. So values are
 * non-negative, zeros come in spatial patches, and the zero fraction varies by channel between
 * roughly 30% and 80% (about 55% overall). The raw sample imitates a Fashion-MNIST image: a dark
 * background (pixel 0) around a bright blob with texture, uint8, normalised as the manifest says.
 * Everything is seeded, so every run sees the same data.
 */
final class WireData {

    static final String MODEL_ID = "fmnist-resnet12";
    static final ManifestHash HASH = ManifestHash.of("benchmark manifest".getBytes(StandardCharsets.UTF_8));
    static final int BLOCKS = 12;

    private WireData() {
    }

    /** The tensor after {@code block} (0 = the input). */
    static TensorSpec spec(int block) {
        if (block == 0) {
            return TensorSpec.float32(1, 28, 28);
        }
        return block <= 4 ? TensorSpec.float32(16, 28, 28) : block <= 8 ? TensorSpec.float32(32, 14, 14)
                : TensorSpec.float32(64, 7, 7);
    }

    static ModelCatalog catalog() {
        List<TensorSpec> specs = new ArrayList<>();
        for (int b = 0; b <= BLOCKS; b++) {
            specs.add(spec(b));
        }
        return ModelCatalog.of(MODEL_ID, HASH, specs);
    }

    /** The tensor after {@code block}: a normalised image for block 0, post-ReLU-like features otherwise. */
    static float[] tensor(int block, long seed) {
        return block == 0 ? normalisedImage(seed) : reluFeatures(spec(block), seed);
    }

    static float[] reluFeatures(TensorSpec spec, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int c = spec.dim(0);
        int h = spec.dim(1);
        int w = spec.dim(2);
        float[] out = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            double gain = 0.3 + 2.5 * r.nextDouble();
            double bias = -0.6 + 1.2 * r.nextDouble(); // shifts the zero fraction per channel
            double fx1 = r.nextDouble() * 0.8;
            double fy1 = r.nextDouble() * 0.8;
            double fx2 = r.nextDouble() * 1.6;
            double fy2 = r.nextDouble() * 1.6;
            double p1 = r.nextDouble() * 6.283;
            double p2 = r.nextDouble() * 6.283;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double field = Math.sin(fx1 * x + fy1 * y + p1) + 0.5 * Math.sin(fx2 * x - fy2 * y + p2);
                    double v = gain * (field * 0.7 + gaussian(r) * 0.35 - bias * 0.7);
                    out[(ch * h + y) * w + x] = v > 0 ? (float) v : 0f;
                }
            }
        }
        return out;
    }

    /** 28x28 uint8 pixels: background 0, an elliptical object with texture. */
    static int[] pixels(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double cx = 14 + r.nextDouble() * 4 - 2;
        double cy = 14 + r.nextDouble() * 4 - 2;
        double rx = 6 + r.nextDouble() * 6;
        double ry = 8 + r.nextDouble() * 5;
        int base = 90 + r.nextInt(120);
        int[] p = new int[28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double d = Math.pow((x - cx) / rx, 2) + Math.pow((y - cy) / ry, 2);
                if (d <= 1) {
                    double v = base + 40 * Math.sin(x * 0.9) * Math.cos(y * 0.7) + gaussian(r) * 15;
                    p[y * 28 + x] = (int) Math.max(1, Math.min(255, Math.round(v)));
                }
            }
        }
        return p;
    }

    /** The pixels normalised as manifest.json says: (p/255 - 0.2860) / 0.3530. */
    static float[] normalisedImage(long seed) {
        int[] p = pixels(seed);
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) ((p[i] * 0.00392156862745098 - 0.2860) / 0.3530);
        }
        return out;
    }

    static double zeroFraction(float[] v) {
        int z = 0;
        for (float f : v) {
            if (f == 0f) {
                z++;
            }
        }
        return (double) z / v.length;
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
