package io.splitee.engine;

import java.util.function.IntToDoubleFunction;

/**
 * What {@link SampleMeanStatistics}, {@link DiscountedStatistics} and {@link WindowStatistics}
 * share: per arm a reward sum Q_a, an update count N_a, a term sum and an offload weight, with their
 * accessors and the restoring of the pricing part from a snapshot. How the sums age (not at all,
 * discounted, windowed) and what counts as N_a for the index stay with each variant.
 */
abstract class SummedStatistics implements ArmStatistics {

    /** Q_a of arm a+1, as the variant keeps it (plain, discounted or over the window). */
    final double[] sums;
    /** N_a of arm a+1: every update it had. */
    final long[] counts;
    /** The sum of arm a+1's cost-independent terms, kept as {@link #sums} is. */
    final double[] terms;
    /** The weight of arm a+1's offloaded samples, kept as {@link #sums} is. */
    final double[] offloads;

    SummedStatistics(int arms) {
        sums = new double[arms];
        counts = new long[arms];
        terms = new double[arms];
        offloads = new double[arms];
    }

    /** Adds one sample to index {@code a} (0-based) of the four sums, with no ageing. */
    final void add(int a, double reward, double term, boolean offloaded) {
        sums[a] += reward;
        counts[a]++;
        terms[a] += term;
        if (offloaded) {
            offloads[a]++;
        }
    }

    /**
     * Restores {@link #terms} and {@link #offloads} once {@link #sums} (and what {@code weight} reads) are loaded:
     * {@code pricing}'s first 2·L values, or, for a state from before choice-time pricing (null), the migration:
     * each arm's rewards taken as terms answered on the device at {@code onDevice}'s price.
     *
     * @param weight the effective count of 0-based arm a, that the offload weights may not exceed
     */
    final void restorePricing(double[] pricing, double[] onDevice, IntToDoubleFunction weight) {
        int l = sums.length;
        if (pricing == null) {
            for (int a = 0; a < l; a++) {
                terms[a] = sums[a] + weight.applyAsDouble(a) * PricingMemory.price(onDevice, a + 1);
            }
            java.util.Arrays.fill(offloads, 0);
        } else {
            PricingMemory.split(pricing, l, terms, offloads, weight);
        }
    }

    @Override
    public final double termSum(int arm) {
        return terms[arm - 1];
    }

    @Override
    public final double offloadWeight(int arm) {
        return offloads[arm - 1];
    }

    /** The term sums, then the offload weights (both discounted in {@link DiscountedStatistics}). */
    @Override
    public double[] pricing() {
        return PricingMemory.concat(terms, offloads);
    }

    @Override
    public final int arms() {
        return sums.length;
    }

    @Override
    public final double sum(int arm) {
        return sums[arm - 1];
    }

    @Override
    public long count(int arm) {
        return counts[arm - 1];
    }

    @Override
    public final double[] rewardSums() {
        return sums.clone();
    }

    @Override
    public final long[] updateCounts() {
        return counts.clone();
    }
}
