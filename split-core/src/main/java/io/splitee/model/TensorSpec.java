package io.splitee.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor of the model package, with its shape <em>per sample</em> (no batch axis) and its
 * element type as the manifest spells it (always {@code "float32"} in schema 1).
 *
 * @param name the tensor name inside the ONNX graph
 * @param shape the per-sample shape, every dimension positive (a defensive copy is kept)
 * @param dtype the element type, e.g. {@code "float32"}
 */
public record TensorSpec(String name, int[] shape, String dtype) {

    /** The only element type schema 1 allows. */
    public static final String FLOAT32 = "float32";

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if the name or dtype is blank, the shape is empty, or a
     *     dimension is not positive, or the element count exceeds {@link Integer#MAX_VALUE}
     */
    public TensorSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (dtype == null || dtype.isBlank()) {
            throw new IllegalArgumentException("dtype must not be blank");
        }
        if (shape == null || shape.length == 0) {
            throw new IllegalArgumentException("shape must have at least one dimension");
        }
        shape = shape.clone();
        long count = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a non-positive dimension");
            }
            count *= d;
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
            }
        }
    }

    /** @return a copy of the per-sample shape */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of elements per sample (product of the shape) */
    public int elementCount() {
        int count = 1;
        for (int d : shape) {
            count *= d;
        }
        return count;
    }

    /** @return bytes per sample for a float32 tensor (4 per element) */
    public long bytesPerSample() {
        return 4L * elementCount();
    }

    /**
     * @param other another tensor
     * @return whether both have the same shape and dtype (names may differ)
     */
    public boolean sameShapeAndType(TensorSpec other) {
        return Arrays.equals(shape, other.shape) && dtype.equals(other.dtype);
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
        long[] out = new long[shape.length + 1];
        out[0] = batchSize;
        for (int i = 0; i < shape.length; i++) {
            out[i + 1] = shape[i];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && Arrays.equals(shape, t.shape) && dtype.equals(t.dtype);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), dtype);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + ":" + dtype;
    }
}
