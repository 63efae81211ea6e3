package io.splitee.device.cost;

import java.util.Arrays;

/**
 * The median of the last {@code capacity} observations that are not older than an age limit: a robust, slower
 * estimate beside an {@link Ewma}. One outlier (a sample delayed by a garbage collection, an offload that missed its
 * deadline) moves it by at most one rank; a lasting change moves it once half the window has seen it. Each
 * observation carries a stamp (the owner's clock: samples seen); {@link #expire} drops those older than a limit, so
 * that a quantity observed rarely (the link while the learner keeps every sample on the device: only probes) is the
 * median of its recent observations, not of old ones that outnumber them. O(capacity) per observation, O(1) per read.
 */
final class MedianWindow {
    private final double[] ring;
    private final long[] stamps;
    private final double[] sorted;
    private int size;
    private int next;

    MedianWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " must be ≥ 1");
        }
        ring = new double[capacity];
        stamps = new long[capacity];
        sorted = new double[capacity];
    }

    /** Adds {@code x} with stamp 0 (a window whose observations never expire). */
    void add(double x) {
        add(x, 0);
    }

    /** Adds {@code x} observed at {@code stamp} (non-decreasing), dropping the oldest when full. */
    void add(double x, long stamp) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("observation must be finite, got " + x);
        }
        if (size == ring.length) {
            dropOldest();
        }
        ring[next] = x;
        stamps[next] = stamp;
        next = (next + 1) % ring.length;
        int at = Arrays.binarySearch(sorted, 0, size, x);
        if (at < 0) {
            at = -at - 1;
        }
        System.arraycopy(sorted, at, sorted, at + 1, size - at);
        sorted[at] = x;
        size++;
    }

    /** Drops the observations stamped before {@code oldest}. */
    void expire(long oldest) {
        while (size > 0 && stamps[oldestIndex()] < oldest) {
            dropOldest();
        }
    }

    private int oldestIndex() {
        return Math.floorMod(next - size, ring.length);
    }

    private void dropOldest() {
        double old = ring[oldestIndex()];
        int i = Arrays.binarySearch(sorted, 0, size, old);
        System.arraycopy(sorted, i + 1, sorted, i, size - i - 1);
        size--;
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
        int start = oldestIndex();
        for (int i = 0; i < size; i++) {
            v[i] = ring[(start + i) % ring.length];
        }
        return v;
    }

    void clear() {
        size = 0;
        next = 0;
    }

    /** Forgets everything and holds {@code v}, observed at {@code stamp}, as one observation. */
    void set(double v, long stamp) {
        clear();
        add(v, stamp);
    }
}
