package io.splitee.engine;

/** UCB1 statistics: index_a = Q_a/N_a + c·sqrt(ln t / N_a). */
final class SampleMeanStatistics extends SummedStatistics {

    SampleMeanStatistics(int arms) {
        super(arms);
    }

    @Override
    public void update(int arm, double reward, double term, boolean offloaded) {
        add(arm - 1, reward, term, offloaded);
    }

    @Override
    public double effectiveCount(int arm) {
        return counts[arm - 1];
    }

    @Override
    public void load(double[] rewardSums, long[] updateCounts, double[] memory, double[] pricing, double[] onDevice) {
        if (memory.length != 0) {
            throw new IllegalArgumentException("UCB1 statistics keep no memory, the state has " + memory.length + " values");
        }
        System.arraycopy(rewardSums, 0, sums, 0, sums.length);
        System.arraycopy(updateCounts, 0, counts, 0, counts.length);
        if (pricing != null) {
            PricingMemory.exact(pricing, 2 * sums.length);
        }
        restorePricing(pricing, onDevice, a -> counts[a]);
    }
}
