package io.splitee.device.cost;

/** An exponentially weighted moving average that starts at its first observation. */
final class Ewma {
    private final double weight;
    private double value;
    private long count;

    Ewma(double weight) {
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight: " + weight + " is outside (0, 1]");
        }
        this.weight = weight;
    }

    void add(double x) {
        value = count == 0 ? x : value + weight * (x - value);
        count++;
    }

    /**
     * Adds {@code x}, taken as at most {@code cap} times the average so far (the first observation as it is): one
     * outlier moves the average by at most {@code weight · (cap − 1)} of itself, a lasting rise is followed by a factor
     * of up to {@code 1 + weight · (cap − 1)} per observation, and a fall as by {@link #add}.
     */
    void addCapped(double x, double cap) {
        add(count == 0 ? x : Math.min(x, cap * value));
    }

    boolean known() {
        return count > 0;
    }

    double value() {
        return value;
    }

    long count() {
        return count;
    }

    void set(double v, long n) {
        value = v;
        count = n;
    }
}
