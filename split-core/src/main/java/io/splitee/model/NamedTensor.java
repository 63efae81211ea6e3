package io.splitee.model;

import io.splitee.wire.TensorSpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor of the model package: its name inside the ONNX graph, and its element type and shape
 * <em>per sample</em> (no batch axis) as the one {@link TensorSpec} the wire format also carries. The
 * manifest spells the element type by its {@linkplain io.splitee.wire.DType#manifestName() name} (always
 * {@code "float32"} in schema 1).
 *
 * @param name the tensor name inside the ONNX graph
 * @param spec element type and per-sample shape
 */
public record NamedTensor(String name, TensorSpec spec) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the name is blank
     */
    public NamedTensor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        Objects.requireNonNull(spec, "spec");
    }

    /** @return a copy of the per-sample shape */
    public int[] shape() {
        return spec.shape();
    }

    /** @return the number of elements per sample (product of the shape) */
    public int elementCount() {
        return spec.elementCount();
    }

    /** @return bytes per sample for a float32 tensor (4 per element) */
    public long bytesPerSample() {
        return 4L * elementCount();
    }

    /**
     * The shape with a leading batch axis, as ONNX Runtime wants it.
     *
     * @param batchSize the batch size, positive
     * @return {@code [batchSize, shape...]}
     */
    public long[] batchShape(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        long[] out = new long[spec.rank() + 1];
        out[0] = batchSize;
        for (int i = 0; i < spec.rank(); i++) {
            out[i + 1] = spec.dim(i);
        }
        return out;
    }

    /** E.g. {@code y[16, 28, 28]:float32}. */
    @Override
    public String toString() {
        return name + Arrays.toString(spec.shape()) + ":" + spec.dtype().manifestName();
    }
}
