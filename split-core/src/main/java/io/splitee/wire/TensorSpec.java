package io.splitee.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Element type and per-sample shape of a tensor (no batch axis, as in the model manifest).
 *
 * @param dtype element type
 * @param shape per-sample dimensions, 1 to {@value #MAX_RANK} of them, each at least 1; the product
 *              must fit in an {@code int}. The array is copied in and out.
 */
public record TensorSpec(DType dtype, int[] shape) {

    /** Largest rank the frame format carries. */
    public static final int MAX_RANK = 8;

    /** Validates and copies. */
    public TensorSpec {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        if (shape.length < 1 || shape.length > MAX_RANK) {
            throw new IllegalArgumentException("shape: rank must be 1.." + MAX_RANK + ", got " + shape.length);
        }
        shape = shape.clone();
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 1) {
                throw new IllegalArgumentException("shape[" + i + "] must be >= 1, got " + shape[i]);
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
            }
        }
    }

    /** A float32 tensor of the given per-sample shape. */
    public static TensorSpec float32(int... shape) {
        return new TensorSpec(DType.FLOAT32, shape);
    }

    /** A copy of the per-sample dimensions. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements (product of the dimensions). */
    public int elementCount() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** True if {@code other} has the same dtype and the same dimensions. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TensorSpec t && t.dtype == dtype && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(shape);
    }

    /** E.g. {@code float32[16, 28, 28]}. */
    @Override
    public String toString() {
        return dtype.manifestName() + Arrays.toString(shape);
    }
}
