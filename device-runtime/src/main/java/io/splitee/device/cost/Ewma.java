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
