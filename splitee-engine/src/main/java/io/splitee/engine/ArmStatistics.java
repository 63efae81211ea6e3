package io.splitee.engine;

/**
 * Per-arm statistics behind an upper-confidence index. {@link SampleMeanStatistics} is the
 * paper's UCB1; {@link DiscountedStatistics} (discounted UCB) and {@link WindowStatistics} (each
 * arm over its last τ updates) implement the same interface with their own effective counts and
 * plug into {@link UcbPolicy} unchanged. Every operation is O(1) per arm: nothing is O(τ).
 */
interface ArmStatistics {

    /** A new round began (called once per {@code choose()}, before the index is read). */
    default void tick() {
    }

    /** ln of the round count the index uses at round {@code t}: ln t unless discounted. */
    default double logRound(long t) {
        return StrictMath.log(t);
    }

    /** Credits {@code reward} to 1-based {@code arm}. */
    void update(int arm, double reward);

    /** The number of arms L. */
    int arms();

    /** Q_a of 1-based {@code arm}: the (discounted, windowed) sum of its rewards. */
    double sum(int arm);

    /** The effective N_a of an observed 1-based {@code arm} (the index divides by it). */
    double effectiveCount(int arm);

    /** N_a of 1-based {@code arm}: how many updates it had (0: unexplored, an infinite index). */
    long count(int arm);

    /**
     * The 1-based arm with the largest index at round {@code t} with exploration constant
     * {@code c}; the smallest arm on ties; an arm never updated has an infinite index.
     */
    default int argmaxIndex(long t, double c) {
        // StrictMath (logRound): bit-identical choices on every JVM and CPU (x86 replay, ARM device).
        double logT = logRound(t);
        int best = 1;
        double bestIndex = Double.NEGATIVE_INFINITY;
        for (int a = 1; a <= arms(); a++) {
            if (count(a) == 0) {
                return a; // unexplored: infinite index; the first one wins the tie
            }
            double index = index(a, logT, c);
            if (index > bestIndex) {
                bestIndex = index;
                best = a;
            }
        }
        return best;
    }

    /** The UCB index of an observed 1-based {@code arm}, given the round's log: Q_a/N_a + c·sqrt(ln t / N_a). */
    default double index(int arm, double logT, double c) {
        double n = effectiveCount(arm);
        return sum(arm) / n + c * Math.sqrt(logT / n);
    }

    /** The largest mean Q_a/N_a over the observed arms; −∞ when none is. */
    default double bestMean() {
        double best = Double.NEGATIVE_INFINITY;
        for (int a = 1; a <= arms(); a++) {
            if (count(a) > 0) {
                best = Math.max(best, sum(a) / effectiveCount(a));
            }
        }
        return best;
    }

    /** Q_a for every arm (a copy). */
    double[] rewardSums();

    /** N_a for every arm (a copy). */
    long[] updateCounts();

    /** What the statistics keep beyond Q and N ({@link PolicyState#memory()}); empty for UCB1. */
    default double[] memory() {
        return new double[0];
    }

    /**
     * Replaces the statistics with a snapshot's.
     *
     * @throws IllegalArgumentException if {@code memory} does not fit these statistics
     */
    void load(double[] rewardSums, long[] updateCounts, double[] memory);
}
