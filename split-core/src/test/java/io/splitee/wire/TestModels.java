package io.splitee.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The shipped model's shapes (docs: manifest-schema), as an in-memory catalog, and test data. */
final class TestModels {

    static final String MODEL_ID = "fmnist-resnet12";
    static final ManifestHash HASH = ManifestHash.of("test manifest v1".getBytes(StandardCharsets.UTF_8));
    static final ManifestHash OTHER_HASH = ManifestHash.of("test manifest v2".getBytes(StandardCharsets.UTF_8));
    static final int BLOCKS = 12;
    static final ModelCatalog CATALOG = ModelCatalog.of(MODEL_ID, HASH, specs());

    private TestModels() {
    }

    /** Index 0: input [1,28,28]; blocks 1-4 [16,28,28]; 5-8 [32,14,14]; 9-12 [64,7,7]. */
    static List<TensorSpec> specs() {
        List<TensorSpec> s = new ArrayList<>();
        s.add(TensorSpec.float32(1, 28, 28));
        for (int b = 1; b <= BLOCKS; b++) {
            s.add(b <= 4 ? TensorSpec.float32(16, 28, 28) : b <= 8 ? TensorSpec.float32(32, 14, 14)
                    : TensorSpec.float32(64, 7, 7));
        }
        return s;
    }

    static TensorSpec spec(int block) {
        return specs().get(block);
    }

    /**
     * Imitation of post-ReLU features: non-negative, about half exact zeros, the rest half-normal
     * with a per-channel scale.
     */
    static float[] reluFeatures(Random r, TensorSpec spec) {
        int n = spec.elementCount();
        int channels = spec.dim(0);
        int per = n / channels;
        float[] f = new float[n];
        for (int c = 0; c < channels; c++) {
            double scale = 0.2 + 3 * r.nextDouble();
            for (int i = 0; i < per; i++) {
                double g = r.nextGaussian();
                f[c * per + i] = g <= 0 ? 0f : (float) (g * scale);
            }
        }
        return f;
    }

    /** Arbitrary finite values with both signs and a wide dynamic range. */
    static float[] signedValues(Random r, int n, float magnitude) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * magnitude);
        }
        return f;
    }
}
