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

    /**
     * The 1-based arm with the largest index at round {@code t} with exploration constant
     * {@code c}; the smallest arm on ties; an arm never updated has an infinite index.
     */
    int argmaxIndex(long t, double c);

    /** N_a of 1-based {@code arm}: how many updates it had (0: unexplored, an infinite index). */
    long count(int arm);

    /** The UCB index of an observed 1-based {@code arm}, given {@code StrictMath.log(t)}. */
    double index(int arm, double logT, double c);

    /** The largest mean Q_a/N_a over the observed arms; −∞ when none is. */
    double bestMean();

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
