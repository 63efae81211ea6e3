package io.splitee.engine;

/**
 * Sliding-window UCB: each arm's statistics over its last τ updates (side updates included).
 * Q_a is a running sum (the reward leaving the window is subtracted when a new one enters, O(1);
 * nothing is O(τ) but the memory), N_a = min(updates, τ), and the index is
 * Q_a/N_a + c·sqrt(ln t / N_a). Until an arm has τ updates nothing leaves its window, so a window
 * longer than the run is UCB1 bit for bit. An arm whose costs improved while it was not played is
 * found again through its bonus, which grows with ln t while its N_a stays τ.
 */
final class WindowStatistics implements ArmStatistics {

    private final int tau;
    private final double[] sums;
    private final long[] counts;
    /** ring[a] holds arm a+1's last min(counts, τ) rewards; the next slot is counts % τ. */
    private final double[][] ring;

    WindowStatistics(int arms, int tau) {
        this.tau = tau;
        sums = new double[arms];
        counts = new long[arms];
        ring = new double[arms][];
    }

    @Override
    public void update(int arm, double reward) {
        int a = arm - 1;
        if (ring[a] == null) {
            ring[a] = new double[Math.min(tau, 64)];
        }
        int slot = (int) (counts[a] % tau);
        if (counts[a] >= tau) {
            sums[a] -= ring[a][slot];
        } else if (slot == ring[a].length) {
            ring[a] = java.util.Arrays.copyOf(ring[a], (int) Math.min(tau, 2L * slot));
        }
        ring[a][slot] = reward;
        sums[a] += reward;
        counts[a]++;
    }

    private double n(int a) {
        return Math.min(counts[a], tau);
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
        return n(arm - 1);
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

    /** Each arm's window in order of arrival, oldest first, arm 1 first: Σ min(N_a, τ) values. */
    @Override
    public double[] memory() {
        int total = 0;
        for (int a = 0; a < counts.length; a++) {
            total += (int) n(a);
        }
        double[] m = new double[total];
        int k = 0;
        for (int a = 0; a < counts.length; a++) {
            int filled = (int) n(a);
            long first = counts[a] - filled;
            for (int i = 0; i < filled; i++) {
                m[k++] = ring[a][(int) ((first + i) % tau)];
            }
        }
        return m;
    }

    @Override
    public void load(double[] rewardSums, long[] updateCounts, double[] memory) {
        int total = 0;
        for (long n : updateCounts) {
            total += (int) Math.min(n, tau);
        }
        if (memory.length != total) {
            throw new IllegalArgumentException("a window of " + tau + " keeps " + total
                    + " rewards for these counts, the state has " + memory.length);
        }
        int k = 0;
        for (int a = 0; a < counts.length; a++) {
            counts[a] = updateCounts[a];
            sums[a] = rewardSums[a];
            int filled = (int) n(a);
            ring[a] = filled == 0 ? null : new double[filled == tau ? tau : Math.max(filled, Math.min(tau, 64))];
            long first = counts[a] - filled;
            for (int i = 0; i < filled; i++) {
                double r = memory[k++];
                if (!Double.isFinite(r)) {
                    throw new IllegalArgumentException("window rewards must be finite, got " + r);
                }
                ring[a][(int) ((first + i) % tau)] = r;
            }
        }
    }
}
