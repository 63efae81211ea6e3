package io.splitee.engine;

/**
 * Per-arm statistics behind an upper-confidence index. {@link SampleMeanStatistics} is the
 * paper's UCB1; a discounted or sliding-window UCB implements this same interface (with its own
 * notion of effective counts) and plugs into {@link UcbPolicy} unchanged.
 */
interface ArmStatistics {

    /** Credits {@code reward} to 1-based {@code arm}. */
    void update(int arm, double reward);

    /**
     * The 1-based arm with the largest index at round {@code t} with exploration constant
     * {@code c}; the smallest arm on ties; an arm never updated has an infinite index.
     */
    int argmaxIndex(long t, double c);

    /** N_a of 1-based {@code arm}. */
    long count(int arm);

    /** The UCB index of an observed 1-based {@code arm}, given {@code StrictMath.log(t)}. */
    double index(int arm, double logT, double c);

    /** The largest mean Q_a/N_a over the observed arms; −∞ when none is. */
    double bestMean();

    /** Q_a for every arm (a copy). */
    double[] rewardSums();

    /** N_a for every arm (a copy). */
    long[] updateCounts();

    /** Replaces the statistics with a snapshot's. */
    void load(double[] rewardSums, long[] updateCounts);
}
