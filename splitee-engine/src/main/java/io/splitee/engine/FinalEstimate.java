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
 */
final class FinalEstimate {

    /** Samples a pair needs before its own mean replaces the arm's. */
    static final int MIN_PAIR = 10;
    /**
     * Samples every pair (j, a) below the arm about to be played should have: a probe is due (at a
     * square round: at most about sqrt(n) in n rounds) only while one has fewer, and never for arm 1
     * (nothing below it) or L (it observes C_L itself), so probes stop once the estimates are learned.
     */
    static final int ENOUGH = 100;
    /** The share of arm a's full-depth samples below which a pair (j, a) is too rare to probe for. */
    static final double RARE = 0.05;
    /** Full-depth samples of arm a after which it is not probed again, whatever its pairs have. */
    static final int CAP = 5000;

    private final int l;
    /** sums[j*l + a] (0-based j &lt; a): Σ (C_L − C_a) over samples with C_j &lt; α ≤ C_a; sums[a*l + a]: over C_a ≥ α. */
    private final double[] sums;
    private final double[] counts;

    FinalEstimate(int arms) {
        l = arms;
        sums = new double[arms * arms];
        counts = new double[arms * arms];
    }

    /** Learns from a sample that reached the final exit (C_L observed) with exits evaluated on the way. */
    void learn(Outcome o, EngineConfig config) {
        double cl = o.confidence(l);
        for (int a = 1; a < l; a++) {
            if (!o.observed(a) || !config.confident(o.confidence(a))) {
                continue;
            }
            double d = cl - o.confidence(a);
            sums[(a - 1) * l + a - 1] += d;
            counts[(a - 1) * l + a - 1]++;
            for (int j = 1; j < a; j++) {
                if (o.observed(j) && !config.confident(o.confidence(j))) {
                    sums[(j - 1) * l + a - 1] += d;
                    counts[(j - 1) * l + a - 1]++;
                }
            }
        }
    }

    /**
     * Whether a full-depth probe would still teach something for exits at arm a: some pair (j, a) that
     * is not {@link #RARE} has fewer than {@link #ENOUGH} samples, and arm a has fewer than {@link #CAP}.
     */
    boolean needsProbe(int a) {
        if (counts[(a - 1) * l + a - 1] >= CAP) {
            return false;
        }
        double arm = counts[(a - 1) * l + a - 1];
        for (int j = 1; j < a; j++) {
            double pair = counts[(j - 1) * l + a - 1];
            // a pair rarer than RARE of arm a's samples moves arm j's mean by little: it needs no probes
            if (pair < ENOUGH && (arm < ENOUGH || pair >= RARE * arm)) {
                return true;
            }
        }
        return false;
    }

    /** The estimate of C_L for side arm j (C_j &lt; α) on a sample that exited at a with confidence ca. */
    double finalConfidence(int j, int a, double ca) {
        int pair = (j - 1) * l + a - 1;
        int arm = (a - 1) * l + a - 1;
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
