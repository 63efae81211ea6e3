package io.splitee.engine;

/**
 * The live SplitEE-S's estimate of C_L on a sample that exited early at arm a (C_a ≥ α), learned
 * from the samples that reach the final exit on the device (every play of arm L, the probes
 * included) with the exits evaluated on the way: for a side arm j &lt; a with C_j &lt; α, C_L is
 * estimated as C_a + D[j][a], D[j][a] the mean of C_L − C_a over the full-depth samples with
 * C_j &lt; α ≤ C_a (D[a] over those with C_a ≥ α while the pair has fewer than {@value #MIN_PAIR}
 * samples; C_a itself, the old stand-in, before any), clamped to [0, 1]. Which exits a play of arm
 * L evaluates is decided before the sample is seen, so these samples are an unbiased draw of
 * (C_j, C_a, C_L); the estimate conditions on the event that makes the side reward need C_L, which
 * the stand-in C_a ignores. O(1) per use; L² sums and counts.
 *
 * <p>How far the estimate can move an arm's mean ({@link #bias}): a side reward of arm j from a play
 * of arm a is estimated on the share q of samples with C_j &lt; α ≤ C_a, and each such estimate errs
 * by at most the pair's confidence width w = min(1, z·s/√n) (s the sample standard deviation of
 * C_L − C_a over the pair's n samples; 1, the most a clamped estimate of a confidence can err, while
 * n &lt; {@value #MIN_PAIR}); so arm j's mean from plays of a is off by at most q·w. A probe is
 * worth its price only while that bound reaches the gap between the two arms' means
 * ({@link #needsProbe}): beyond it the estimate cannot change which of them ranks first.
 *
 * <p>Layout (2·L² numbers, the state's memory): sums and counts are L×L, index (r − 1)·L + (c − 1).
 * Above the diagonal and on it (j ≤ a &lt; L) the pair's Σ(C_L − C_a) and count, as before; below it
 * (row a, column j &lt; a) sums holds the pair's Σ(C_L − C_a)²; counts at (L, L) holds how many
 * full-depth samples were learned from, sums at (L, L) the probe budget spent ({@link #spend}). Those cells
 * were unused in the first layout, so a state written by it loads with zeros there, which {@link #width} and
 * {@link #share} read as "unknown" (width 1, share 1) until the next full-depth sample: its pairs then start
 * over as far as their widths are concerned (their means are kept).
 *
 * <p>The probe budget: by round t the probes may have cost at most {@value #BUDGET}·√t in reward units,
 * each probe's price being the estimated loss of playing arm L instead of the chosen arm a (mean of a minus
 * mean of L, at least 0) when it is decided; so whatever λ and o, the probes add at most
 * {@value #BUDGET}·√n + one probe's price to the regret of n rounds.
 */
final class FinalEstimate {

    /** Samples a pair needs before its own mean replaces the arm's. */
    static final int MIN_PAIR = 10;
    /** Full-depth samples of arm a after which it is not probed again, whatever its pairs have. */
    static final int CAP = 5000;
    /** The confidence width's multiple of the standard error. */
    static final double Z = 2;
    /** The probes' budget by round t, in reward units: BUDGET·√t. */
    static final double BUDGET = 0.3;

    private final int l;
    /** sums[(j-1)*l + a-1], j ≤ a: Σ (C_L − C_a); sums[(a-1)*l + j-1], j &lt; a: Σ (C_L − C_a)². */
    private final double[] sums;
    /** counts[(j-1)*l + a-1], j ≤ a: the samples of sums's; counts[l*l - 1]: the full-depth samples learned from. */
    private final double[] counts;

    FinalEstimate(int arms) {
        l = arms;
        sums = new double[arms * arms];
        counts = new double[arms * arms];
    }

    private int pair(int j, int a) {
        return (j - 1) * l + a - 1;
    }

    private int squares(int j, int a) {
        return (a - 1) * l + j - 1;
    }

    /** Learns from a sample that reached the final exit (C_L observed) with exits evaluated on the way. */
    void learn(Outcome o, EngineConfig config) {
        double cl = o.confidence(l);
        counts[l * l - 1]++;
        for (int a = 1; a < l; a++) {
            if (!o.observed(a) || !config.confident(o.confidence(a))) {
                continue;
            }
            double d = cl - o.confidence(a);
            sums[pair(a, a)] += d;
            counts[pair(a, a)]++;
            for (int j = 1; j < a; j++) {
                if (o.observed(j) && !config.confident(o.confidence(j))) {
                    sums[pair(j, a)] += d;
                    sums[squares(j, a)] += d * d;
                    counts[pair(j, a)]++;
                }
            }
        }
    }

    /**
     * The confidence width of D[j][a]: min(1, Z·s/√n), s² the pair's sample variance of C_L − C_a over its n
     * samples; 1 while n &lt; {@link #MIN_PAIR}, or when the squares are missing (a state of the first layout).
     */
    double width(int j, int a) {
        double n = counts[pair(j, a)];
        if (n < MIN_PAIR || counts[l * l - 1] == 0) {
            return 1;
        }
        double mean = sums[pair(j, a)] / n;
        double second = sums[squares(j, a)] / n;
        double variance = second - mean * mean;
        if (variance < -1e-9) {
            variance = 1; // no squares: a state written before they were kept
        }
        variance = Math.max(0, variance) * n / (n - 1);
        return Math.min(1, Z * Math.sqrt(variance / n));
    }

    /**
     * The share of samples on which a play of arm a estimates arm j's reward (C_j &lt; α ≤ C_a), estimated from
     * the full-depth samples as (pair's samples + 1) / (samples + 1); 1 before any (or for a state of the first
     * layout, which did not count them).
     */
    double share(int j, int a) {
        double all = counts[l * l - 1];
        return all == 0 ? 1 : Math.min(1, (counts[pair(j, a)] + 1) / (all + 1));
    }

    /** How far the estimate can move arm j's mean over samples played at arm a: {@link #share} · {@link #width}. */
    double bias(int j, int a) {
        return share(j, a) * width(j, a);
    }

    /**
     * Whether a full-depth probe instead of a play of arm a (1 &lt; a &lt; L) can still change a ranking: arm a has
     * fewer than {@link #CAP} full-depth samples with C_a ≥ α, and for some j &lt; a the estimate's {@link #bias}
     * reaches {@code gaps[j]}, the distance between arm j's and arm a's means (infinite: arm j unobserved).
     */
    boolean needsProbe(int a, double[] gaps) {
        if (counts[pair(a, a)] >= CAP) {
            return false;
        }
        for (int j = 1; j < a; j++) {
            if (bias(j, a) >= gaps[j]) {
                return true;
            }
        }
        return false;
    }

    /** Whether a probe of estimated price {@code price} (reward units) fits the budget by round {@code t}. */
    boolean affords(double price, long t) {
        return sums[l * l - 1] + price <= BUDGET * Math.sqrt((double) t);
    }

    /** Charges a probe's estimated price to the budget. */
    void spend(double price) {
        sums[l * l - 1] += price;
    }

    /** The estimate of C_L for side arm j (C_j &lt; α) on a sample that exited at a with confidence ca. */
    double finalConfidence(int j, int a, double ca) {
        int pair = pair(j, a);
        int arm = pair(a, a);
        double d = counts[pair] >= MIN_PAIR ? sums[pair] / counts[pair] : counts[arm] > 0 ? sums[arm] / counts[arm] : 0;
        return Math.min(1, Math.max(0, ca + d));
    }

    /** Sums, then counts: 2·L² values. */
    double[] memory() {
        double[] m = new double[2 * sums.length];
        System.arraycopy(sums, 0, m, 0, sums.length);
        System.arraycopy(counts, 0, m, sums.length, counts.length);
        return m;
    }

    /** The length of {@link #memory()}. */
    int memoryLength() {
        return 2 * sums.length;
    }

    void load(double[] m, int from) {
        System.arraycopy(m, from, sums, 0, sums.length);
        System.arraycopy(m, from + sums.length, counts, 0, counts.length);
    }
}
