package io.splitee.engine;

/**
 * Discounted UCB (Garivier and Moulines): every round multiplies every arm's reward sum and
 * weight by γ, so a reward r rounds old counts γ^r. The index is
 * Q_a/W_a + c·sqrt(ln T / W_a), with W_a the discounted count and T the discounted round count
 * (T ← γ·T + 1 per round; T = t when γ = 1, so γ = 1 is UCB1 bit for bit). An arm never updated
 * (or whose weight underflowed to 0) has an infinite index. O(L) per round, O(1) per update.
 */
final class DiscountedStatistics implements ArmStatistics {

    private final double gamma;
    private final double[] sums;
    private final double[] weights;
    private final long[] counts;
    private final double[] terms;
    private final double[] offloads;
    private double clock;

    DiscountedStatistics(int arms, double gamma) {
        this.gamma = gamma;
        sums = new double[arms];
        weights = new double[arms];
        counts = new long[arms];
        terms = new double[arms];
        offloads = new double[arms];
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
        sums[arm - 1] += reward;
        weights[arm - 1] += 1;
        counts[arm - 1]++;
        terms[arm - 1] += term;
        if (offloaded) {
            offloads[arm - 1] += 1;
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

    /** The discounted term sums, then the discounted offload weights. */
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
        return weights[arm - 1];
    }

    @Override
    public long count(int arm) {
        return weights[arm - 1] == 0 ? 0 : counts[arm - 1];
    }

    @Override
    public double[] rewardSums() {
        return sums.clone();
    }

    @Override
    public long[] updateCounts() {
        return counts.clone();
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
        if (pricing == null) {
            for (int a = 0; a < l; a++) {
                terms[a] = sums[a] + weights[a] * PricingMemory.price(onDevice, a + 1);
            }
            java.util.Arrays.fill(offloads, 0);
        } else {
            PricingMemory.exact(pricing, 2 * l);
            PricingMemory.split(pricing, l, terms, offloads, a -> weights[a]);
        }
    }
}
