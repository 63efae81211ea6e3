package io.splitee.engine;

/** UCB1 statistics: index_a = Q_a/N_a + c·sqrt(ln t / N_a). */
final class SampleMeanStatistics implements ArmStatistics {

    private final double[] sums;
    private final long[] counts;
    private final double[] terms;
    private final double[] offloads;

    SampleMeanStatistics(int arms) {
        sums = new double[arms];
        counts = new long[arms];
        terms = new double[arms];
        offloads = new double[arms];
    }

    @Override
    public void update(int arm, double reward, double term, boolean offloaded) {
        sums[arm - 1] += reward;
        counts[arm - 1]++;
        terms[arm - 1] += term;
        if (offloaded) {
            offloads[arm - 1]++;
        }
    }

    @Override
    public double termSum(int arm) {
        return terms[arm - 1];
    }

    @Override
    public double offloadWeight(int arm) {
        return offloads[arm - 1];
    }

    /** The term sums, then the offload counts. */
    @Override
    public double[] pricing() {
        return PricingMemory.concat(terms, offloads);
    }

    @Override
    public int arms() {
        return sums.length;
    }

    @Override
    public double sum(int arm) {
        return sums[arm - 1];
    }

    @Override
    public double effectiveCount(int arm) {
        return counts[arm - 1];
    }

    @Override
    public long count(int arm) {
        return counts[arm - 1];
    }

    @Override
    public double[] rewardSums() {
        return sums.clone();
    }

    @Override
    public long[] updateCounts() {
        return counts.clone();
    }

    @Override
    public void load(double[] rewardSums, long[] updateCounts, double[] memory, double[] pricing, double[] onDevice) {
        if (memory.length != 0) {
            throw new IllegalArgumentException("UCB1 statistics keep no memory, the state has " + memory.length + " values");
        }
        System.arraycopy(rewardSums, 0, sums, 0, sums.length);
        System.arraycopy(updateCounts, 0, counts, 0, counts.length);
        if (pricing == null) {
            for (int a = 0; a < sums.length; a++) {
                terms[a] = sums[a] + counts[a] * PricingMemory.price(onDevice, a + 1);
            }
            java.util.Arrays.fill(offloads, 0);
        } else {
            PricingMemory.exact(pricing, 2 * sums.length);
            PricingMemory.split(pricing, sums.length, terms, offloads, a -> counts[a]);
        }
    }
}
