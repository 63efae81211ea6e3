package io.splitee.device.gpio;

/**
 * The latest power readings, timestamped, in a ring; and the energy over an interval, integrated from them.
 * Between two readings the power is taken as the straight line joining them (the trapezoid rule), so an
 * interval shorter than the sampling period still gets the power the readings around it show. Owned by the
 * power thread.
 */
final class PowerTrace {
    private final long[] nanos;
    private final double[] watts;
    private long count;

    PowerTrace(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity: " + capacity + " must be ≥ 2");
        }
        nanos = new long[capacity];
        watts = new double[capacity];
    }

    /** Adds a reading; times must not decrease. */
    void add(long atNanos, double w) {
        if (count > 0 && atNanos < time(count - 1)) {
            throw new IllegalArgumentException("reading at " + atNanos + " is older than the last, " + time(count - 1));
        }
        int k = (int) (count % nanos.length);
        nanos[k] = atNanos;
        watts[k] = w;
        count++;
    }

    /** The time of the newest reading ({@link Long#MIN_VALUE} before the first). */
    long latest() {
        return count == 0 ? Long.MIN_VALUE : time(count - 1);
    }

    /** The number of readings held. */
    int size() {
        return (int) Math.min(count, nanos.length);
    }

    private long first() {
        return count - size();
    }

    private long time(long i) {
        return nanos[(int) (i % nanos.length)];
    }

    private double power(long i) {
        return watts[(int) (i % watts.length)];
    }

    /**
     * The energy over {@code [start, end]} above {@code idleWatts}, in mJ (negative when below idle); NaN when the
     * interval is not inside the readings held.
     */
    double millijoules(long start, long end, double idleWatts) {
        if (end < start || size() == 0 || start < time(first()) || end > latest()) {
            return Double.NaN;
        }
        if (end == start) {
            return 0;
        }
        double joulesTimesNano = 0; // W·ns
        for (long i = first(); i < count - 1; i++) {
            long ta = time(i);
            long tb = time(i + 1);
            if (tb <= start) {
                continue;
            }
            if (ta >= end) {
                break;
            }
            long s = Math.max(ta, start);
            long e = Math.min(tb, end);
            if (e > s) {
                double pa = interpolate(ta, power(i), tb, power(i + 1), s);
                double pb = interpolate(ta, power(i), tb, power(i + 1), e);
                joulesTimesNano += (pa + pb) / 2 * (e - s);
            }
        }
        return (joulesTimesNano - idleWatts * (end - start)) / 1e6;
    }

    private static double interpolate(long ta, double pa, long tb, double pb, long t) {
        return tb == ta ? pb : pa + (pb - pa) * (t - ta) / (tb - ta);
    }
}
