package io.splitee.device.cost;

import java.util.Arrays;

/**
 * The median of the last {@code capacity} observations: a robust, slower estimate beside an {@link Ewma}. One
 * outlier (a sample delayed by a garbage collection, an offload that missed its deadline) moves it by at most one
 * rank; a lasting change moves it once half the window has seen it. O(capacity) per observation, O(1) per read.
 */
final class MedianWindow {
    private final double[] ring;
    private final double[] sorted;
    private int size;
    private int next;

    MedianWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " must be ≥ 1");
        }
        ring = new double[capacity];
        sorted = new double[capacity];
    }

    void add(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("observation must be finite, got " + x);
        }
        if (size == ring.length) {
            double old = ring[next];
            int i = Arrays.binarySearch(sorted, 0, size, old);
            System.arraycopy(sorted, i + 1, sorted, i, size - i - 1);
            size--;
        }
        ring[next] = x;
        next = (next + 1) % ring.length;
        int at = Arrays.binarySearch(sorted, 0, size, x);
        if (at < 0) {
            at = -at - 1;
        }
        System.arraycopy(sorted, at, sorted, at + 1, size - at);
        sorted[at] = x;
        size++;
    }

    boolean known() {
        return size > 0;
    }

    int size() {
        return size;
    }

    /** The median of the observations in the window (the mean of the middle two for an even count); 0 when empty. */
    double value() {
        if (size == 0) {
            return 0;
        }
        int mid = size / 2;
        return size % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The observations in the window, oldest first. */
    double[] values() {
        double[] v = new double[size];
        int start = size == ring.length ? next : 0;
        for (int i = 0; i < size; i++) {
            v[i] = ring[(start + i) % ring.length];
        }
        return v;
    }

    void clear() {
        size = 0;
        next = 0;
    }

    /** Forgets everything and holds {@code v} as one observation. */
    void set(double v) {
        clear();
        add(v);
    }
}
