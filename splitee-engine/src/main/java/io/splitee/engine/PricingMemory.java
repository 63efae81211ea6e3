package io.splitee.engine;

/** The layout of the statistics' cost-independent part in a state ({@link PolicyState#pricing()}). */
final class PricingMemory {

    private PricingMemory() {
    }

    /** Term sums T_1..T_L, then offload weights K_1..K_L. */
    static double[] concat(double[] terms, double[] offloads) {
        double[] m = java.util.Arrays.copyOf(terms, terms.length + offloads.length);
        System.arraycopy(offloads, 0, m, terms.length, offloads.length);
        return m;
    }

    /**
     * Reads {@link #concat}'s layout from the start of {@code pricing} into {@code terms} and {@code offloads},
     * checking that every value is finite and each offload weight is in [0, the arm's weight].
     *
     * @param weights the arms' (effective) counts by 0-based arm, for the check
     * @return the number of values read (2·L)
     */
    static int split(double[] pricing, int arms, double[] terms, double[] offloads, java.util.function.IntToDoubleFunction weights) {
        if (pricing.length < 2 * arms) {
            throw new IllegalArgumentException("the statistics keep " + 2 * arms + " cost-independent values (term sums"
                    + " and offload counts of " + arms + " arms), the state has " + pricing.length);
        }
        for (int a = 0; a < arms; a++) {
            double t = pricing[a];
            double k = pricing[arms + a];
            if (!Double.isFinite(t)) {
                throw new IllegalArgumentException("term sum of arm " + (a + 1) + " must be finite, got " + t);
            }
            if (!(k >= 0) || k > weights.applyAsDouble(a)) {
                throw new IllegalArgumentException("offload count of arm " + (a + 1) + " must be in 0.." + weights.applyAsDouble(a)
                        + ", got " + k);
            }
            terms[a] = t;
            offloads[a] = k;
        }
        return 2 * arms;
    }

    /** Rejects a cost-independent part of another length than {@code n}. */
    static void exact(double[] pricing, int n) {
        if (pricing.length != n) {
            throw new IllegalArgumentException("the statistics keep " + n + " cost-independent values, the state has "
                    + pricing.length);
        }
    }

    /** The migration's on-device price of 1-based {@code arm}: 0 when there are no prices of the moment. */
    static double price(double[] onDevice, int arm) {
        return onDevice == null ? 0 : onDevice[arm];
    }
}
