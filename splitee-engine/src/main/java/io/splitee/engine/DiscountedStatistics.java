package io.splitee.engine;

/**
 * Discounted UCB (Garivier and Moulines): every round multiplies every arm's reward sum and
 * weight by γ, so a reward r rounds old counts γ^r. The index is
 * Q_a/W_a + c·sqrt(ln T / W_a), with W_a the discounted count and T the discounted round count
 * (T ← γ·T + 1 per round; T = t when γ = 1, so γ = 1 is UCB1 bit for bit). An arm never updated
 * (or whose weight underflowed to 0) has an infinite index. O(L) per round, O(1) per update.
 */
final class DiscountedStatistics extends SummedStatistics {

    private final double gamma;
    private final double[] weights;
    private double clock;

    DiscountedStatistics(int arms, double gamma) {
        super(arms);
        this.gamma = gamma;
        weights = new double[arms];
    }

    @Override
    public void tick() {
        for (int a = 0; a < sums.length; a++) {
            sums[a] *= gamma;
            weights[a] *= gamma;
            terms[a] *= gamma;
            offloads[a] *= gamma;
        }
        clock = clock * gamma + 1;
    }

    @Override
    public double logRound(long t) {
        return StrictMath.log(clock);
    }

    @Override
    public void update(int arm, double reward, double term, boolean offloaded) {
        weights[arm - 1] += 1;
        add(arm - 1, reward, term, offloaded);
    }

    @Override
    public double effectiveCount(int arm) {
        return weights[arm - 1];
    }

    @Override
    public long count(int arm) {
        return weights[arm - 1] == 0 ? 0 : counts[arm - 1];
    }

    /** W_1..W_L, then T. */
    @Override
    public double[] memory() {
        double[] m = new double[weights.length + 1];
        System.arraycopy(weights, 0, m, 0, weights.length);
        m[weights.length] = clock;
        return m;
    }

    @Override
    public void load(double[] rewardSums, long[] updateCounts, double[] memory, double[] pricing, double[] onDevice) {
        int l = sums.length;
        if (memory.length != l + 1) {
            throw new IllegalArgumentException("discounted statistics keep " + (l + 1) + " values (W_1..W_" + l
                    + ", T), the state has " + memory.length);
        }
        for (double m : memory) {
            if (!(m >= 0) || Double.isInfinite(m)) {
                throw new IllegalArgumentException("discounted weights must be finite and >= 0, got " + m);
            }
        }
        System.arraycopy(rewardSums, 0, sums, 0, l);
        System.arraycopy(updateCounts, 0, counts, 0, l);
        System.arraycopy(memory, 0, weights, 0, l);
        clock = memory[l];
        if (pricing != null) {
            PricingMemory.exact(pricing, 2 * l);
        }
        restorePricing(pricing, onDevice, a -> weights[a]);
    }
}
