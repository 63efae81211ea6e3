package io.splitee.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The network input: the tensor block 1 takes, the raw image it comes from, and how 8-bit pixels
 * become that tensor.
 *
 * @param tensor the input tensor (per-sample shape {@code [channels, height, width]})
 * @param layout the memory layout, {@code "NCHW"}
 * @param image the raw image geometry
 * @param normalisation the pixel-to-tensor mapping
 */
public record InputSpec(NamedTensor tensor, String layout, Image image, Normalisation normalisation) {

    /**
     * Validates that the parts agree.
     *
     * @throws IllegalArgumentException naming the field that is missing or inconsistent
     */
    public InputSpec {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(normalisation, "normalisation");
        if (!"NCHW".equals(layout)) {
            throw new IllegalArgumentException("layout must be NCHW, was " + layout);
        }
        int[] expected = {image.channels(), image.height(), image.width()};
        if (!Arrays.equals(tensor.shape(), expected)) {
            throw new IllegalArgumentException("input shape " + Arrays.toString(tensor.shape())
                    + " does not match image [channels, height, width] " + Arrays.toString(expected));
        }
        if (normalisation.mean().length != image.channels()) {
            throw new IllegalArgumentException("normalisation.mean has " + normalisation.mean().length
                    + " values for " + image.channels() + " channel(s)");
        }
    }

    /** @return pixels per image ({@code channels * height * width}) */
    public int pixelCount() {
        return tensor.elementCount();
    }

    /**
     * Turns raw 8-bit pixels into the normalised float tensor the network takes:
     * {@code (pixel * scale - mean[c]) / std[c]}, computed in float32 one operation at a time (scale,
     * mean and std first rounded to float32), exactly as the training script computes it, so the
     * tensor is bit-identical to the one the traces were made from.
     *
     * @param pixels unsigned 8-bit pixels, channel-planar ({@code [c][h][w]}), exactly {@link #pixelCount()}
     * @return a new array of {@link #pixelCount()} floats
     */
    public float[] normalise(byte[] pixels) {
        float[] out = new float[pixelCount()];
        normalise(pixels, FloatBuffer.wrap(out));
        return out;
    }

    /**
     * Writes the normalised tensor into {@code out}, starting at its position; the buffer's position
     * and limit are not changed.
     *
     * @param pixels unsigned 8-bit pixels, channel-planar, exactly {@link #pixelCount()}
     * @param out destination with at least {@link #pixelCount()} floats remaining
     * @throws IllegalArgumentException if the sizes do not fit
     */
    public void normalise(byte[] pixels, FloatBuffer out) {
        int n = pixelCount();
        if (pixels.length != n) {
            throw new IllegalArgumentException("expected " + n + " pixels, got " + pixels.length);
        }
        if (out.remaining() < n) {
            throw new IllegalArgumentException("output buffer has " + out.remaining() + " floats remaining, needs " + n);
        }
        int plane = image.height() * image.width();
        int base = out.position();
        float scale = (float) normalisation.scale();
        for (int c = 0; c < image.channels(); c++) {
            float mean = (float) normalisation.mean()[c];
            float std = (float) normalisation.std()[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                float unit = (pixels[i] & 0xFF) * scale;
                out.put(base + i, (unit - mean) / std);
            }
        }
    }

    /**
     * Raw image geometry.
     *
     * @param height rows
     * @param width columns
     * @param channels colour channels
     * @param color colour model, e.g. {@code "grayscale"}
     */
    public record Image(int height, int width, int channels, String color) {
        /**
         * Validates.
         *
         * @throws IllegalArgumentException naming the field out of range
         */
        public Image {
            if (height <= 0) {
                throw new IllegalArgumentException("height must be positive, was " + height);
            }
            if (width <= 0) {
                throw new IllegalArgumentException("width must be positive, was " + width);
            }
            if (channels <= 0) {
                throw new IllegalArgumentException("channels must be positive, was " + channels);
            }
            if (color == null || color.isBlank()) {
                throw new IllegalArgumentException("color must not be blank");
            }
        }
    }

    /**
     * {@code tensor = (pixel * scale - mean[c]) / std[c]}.
     *
     * @param scale factor applied to the 0..255 pixel, e.g. 1/255
     * @param mean per-channel mean (copied)
     * @param std per-channel standard deviation, positive (copied)
     */
    public record Normalisation(double scale, double[] mean, double[] std) {
        /**
         * Validates and copies.
         *
         * @throws IllegalArgumentException naming the field out of range
         */
        public Normalisation {
            if (!(scale > 0) || !Double.isFinite(scale)) {
                throw new IllegalArgumentException("scale must be positive and finite, was " + scale);
            }
            Objects.requireNonNull(mean, "mean");
            Objects.requireNonNull(std, "std");
            if (mean.length == 0 || mean.length != std.length) {
                throw new IllegalArgumentException("mean and std must be non-empty and equally long, were "
                        + mean.length + " and " + std.length);
            }
            mean = mean.clone();
            std = std.clone();
            for (int c = 0; c < mean.length; c++) {
                if (!Double.isFinite(mean[c])) {
                    throw new IllegalArgumentException("mean[" + c + "] must be finite, was " + mean[c]);
                }
                if (!(std[c] > 0) || !Double.isFinite(std[c])) {
                    throw new IllegalArgumentException("std[" + c + "] must be positive and finite, was " + std[c]);
                }
            }
        }

        /** @return a copy of the per-channel means */
        @Override
        public double[] mean() {
            return mean.clone();
        }

        /** @return a copy of the per-channel standard deviations */
        @Override
        public double[] std() {
            return std.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Normalisation n && scale == n.scale && Arrays.equals(mean, n.mean)
                    && Arrays.equals(std, n.std);
        }

        @Override
        public int hashCode() {
            return Objects.hash(scale, Arrays.hashCode(mean), Arrays.hashCode(std));
        }

        @Override
        public String toString() {
            return "Normalisation[scale=" + scale + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
        }
    }
}
