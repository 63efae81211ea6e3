package io.splitee.engine;

/**
 * The engine's seeded random source: SplitMix64, whose whole state is one long, so a snapshot
 * restores the exact sequence (java.util.Random's state cannot be read back).
 */
final class SplitMix64 {

    private long state;

    SplitMix64(long state) {
        this.state = state;
    }

    long state() {
        return state;
    }

    void setState(long state) {
        this.state = state;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound), unbiased (rejection as in java.util.Random#nextInt(int)). */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, got " + bound);
        }
        int r = (int) (nextLong() >>> 33);
        int m = bound - 1;
        if ((bound & m) == 0) {
            return (int) ((bound * (long) r) >> 31);
        }
        for (int u = r; u - (r = u % bound) + m < 0; u = (int) (nextLong() >>> 33)) {
            // reject the biased tail
        }
        return r;
    }
}
