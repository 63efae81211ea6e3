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
    public int argmaxIndex(long t, double c) {
        // StrictMath: bit-identical choices on every JVM and CPU (x86 replay, ARM device).
        double logT = StrictMath.log(t);
        int best = 0;
        double bestIndex = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < sums.length; a++) {
            if (counts[a] == 0) {
                return a + 1; // unexplored: infinite index; the first one wins the tie
            }
            double index = index(a + 1, logT, c);
            if (index > bestIndex) {
                bestIndex = index;
                best = a;
            }
        }
        return best + 1;
    }

    @Override
    public long count(int arm) {
        return counts[arm - 1];
    }

    @Override
    public double index(int arm, double logT, double c) {
        long n = counts[arm - 1];
        return sums[arm - 1] / n + c * Math.sqrt(logT / n);
    }

    @Override
    public double bestMean() {
        double best = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < sums.length; a++) {
            if (counts[a] > 0) {
                best = Math.max(best, sums[a] / counts[a]);
            }
        }
        return best;
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
