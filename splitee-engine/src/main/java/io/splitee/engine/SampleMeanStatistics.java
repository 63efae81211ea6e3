package io.splitee.engine;

/** UCB1 statistics: index_a = Q_a/N_a + c·sqrt(ln t / N_a). */
final class SampleMeanStatistics implements ArmStatistics {

    private final double[] sums;
    private final long[] counts;

    SampleMeanStatistics(int arms) {
        sums = new double[arms];
        counts = new long[arms];
    }

    @Override
    public void update(int arm, double reward) {
        sums[arm - 1] += reward;
        counts[arm - 1]++;
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
    public void load(double[] rewardSums, long[] updateCounts, double[] memory) {
        if (memory.length != 0) {
            throw new IllegalArgumentException("UCB1 statistics keep no memory, the state has " + memory.length + " values");
        }
        System.arraycopy(rewardSums, 0, sums, 0, sums.length);
        System.arraycopy(updateCounts, 0, counts, 0, counts.length);
    }
}
