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

    /**
     * Credits one sample to 1-based {@code arm}: {@code reward} as priced when recorded, and its
     * cost-independent parts, {@code term} (the confidence the reward starts from: C_arm when the arm
     * answers on the device, C_L when it offloads) and whether the arm offloaded it. With costs that
     * never change the index uses the recorded rewards; with costs that drift it prices
     * {@code term} and the offload share with the costs of the moment ({@link Prices}).
     */
    void update(int arm, double reward, double term, boolean offloaded);

    /** Credits {@code reward} with no cost in it: the term is the reward, answered on the device. */
    default void update(int arm, double reward) {
        update(arm, reward, reward, false);
    }

    /** The number of arms L. */
    int arms();

    /** Q_a of 1-based {@code arm}: the (discounted, windowed) sum of its rewards as priced when recorded. */
    double sum(int arm);

    /** The (discounted, windowed) sum of 1-based {@code arm}'s cost-independent terms. */
    double termSum(int arm);

    /** The (discounted, windowed) count of 1-based {@code arm}'s samples that it offloaded (≤ the effective count). */
    double offloadWeight(int arm);

    /** The effective N_a of an observed 1-based {@code arm} (the index divides by it). */
    double effectiveCount(int arm);

    /** N_a of 1-based {@code arm}: how many updates it had (0: unexplored, an infinite index). */
    long count(int arm);

    /**
     * The 1-based arm with the largest index at round {@code t} with exploration constant
     * {@code c}; the smallest arm on ties; an arm never updated has an infinite index.
     */
    default int argmaxIndex(long t, double c) {
        return argmaxIndex(t, c, Prices.RECORDED);
    }

    /** {@link #argmaxIndex(long, double)} with each arm's sum as {@code prices} give it. */
    default int argmaxIndex(long t, double c, Prices prices) {
        // StrictMath (logRound): bit-identical choices on every JVM and CPU (x86 replay, ARM device).
        double logT = logRound(t);
        int best = 1;
        double bestIndex = Double.NEGATIVE_INFINITY;
        for (int a = 1; a <= arms(); a++) {
            if (count(a) == 0) {
                return a; // unexplored: infinite index; the first one wins the tie
            }
            double index = index(a, logT, c, prices);
            if (index > bestIndex) {
                bestIndex = index;
                best = a;
            }
        }
        return best;
    }

    /** The UCB index of an observed 1-based {@code arm}, given the round's log: Q_a/N_a + c·sqrt(ln t / N_a). */
    default double index(int arm, double logT, double c) {
        return index(arm, logT, c, Prices.RECORDED);
    }

    /** {@link #index(int, double, double)} with Q_a as {@code prices} give it. */
    default double index(int arm, double logT, double c, Prices prices) {
        double n = effectiveCount(arm);
        return prices.sum(this, arm) / n + c * Math.sqrt(logT / n);
    }

    /** The largest mean Q_a/N_a over the observed arms; −∞ when none is. */
    default double bestMean() {
        return bestMean(Prices.RECORDED);
    }

    /** {@link #bestMean()} with Q_a as {@code prices} give it. */
    default double bestMean(Prices prices) {
        double best = Double.NEGATIVE_INFINITY;
        for (int a = 1; a <= arms(); a++) {
            if (count(a) > 0) {
                best = Math.max(best, prices.sum(this, a) / effectiveCount(a));
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
     * The cost-independent part ({@link PolicyState#pricing()}): the term sums and offload weights per arm, and
     * what a window needs to take them out again.
     */
    double[] pricing();

    /**
     * Replaces the statistics with a snapshot's.
     *
     * @throws IllegalArgumentException if {@code memory} does not fit these statistics
     */
    default void load(double[] rewardSums, long[] updateCounts, double[] memory) {
        load(rewardSums, updateCounts, memory, null, null);
    }

    /**
     * Replaces the statistics with a snapshot's: {@code pricing} as {@link #pricing()} wrote it, or, for a state
     * from before choice-time pricing (null), the migration: every recorded reward is taken as a term answered on
     * the device at {@code onDevice[arm]} (its current price), so that priced now the sums are the recorded ones.
     *
     * @param onDevice the current on-device price of each arm (index 1..L), used when {@code pricing} is null;
     *                 null: 0
     * @throws IllegalArgumentException if {@code memory} or {@code pricing} does not fit these statistics
     */
    void load(double[] rewardSums, long[] updateCounts, double[] memory, double[] pricing, double[] onDevice);
}
