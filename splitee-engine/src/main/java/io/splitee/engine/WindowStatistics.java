package io.splitee.engine;

/**
 * Sliding-window UCB: each arm's statistics over its last τ updates (side updates included).
 * Q_a is a running sum (the reward leaving the window is subtracted when a new one enters, O(1);
 * nothing is O(τ) but the memory), N_a = min(updates, τ), and the index is
 * Q_a/N_a + c·sqrt(ln t / N_a). Until an arm has τ updates nothing leaves its window, so a window
 * longer than the run is UCB1 bit for bit. An arm whose costs improved while it was not played is
 * found again through its bonus, which grows with ln t while its N_a stays τ.
 */
final class WindowStatistics extends SummedStatistics {

    private final int tau;
    /** ring[a] holds arm a+1's last min(counts, τ) rewards; the next slot is counts % τ. */
    private final double[][] ring;
    /** The same for the cost-independent terms, and whether each sample offloaded. */
    private final double[][] termRing;
    private final boolean[][] offloadRing;

    WindowStatistics(int arms, int tau) {
        super(arms);
        this.tau = tau;
        ring = new double[arms][];
        termRing = new double[arms][];
        offloadRing = new boolean[arms][];
    }

    @Override
    public void update(int arm, double reward, double term, boolean offloaded) {
        int a = arm - 1;
        if (ring[a] == null) {
            allocate(a, Math.min(tau, 64));
        }
        int slot = (int) (counts[a] % tau);
        if (counts[a] >= tau) {
            sums[a] -= ring[a][slot];
            terms[a] -= termRing[a][slot];
            offloads[a] -= offloadRing[a][slot] ? 1 : 0;
        } else if (slot == ring[a].length) {
            int grown = (int) Math.min(tau, 2L * slot);
            ring[a] = java.util.Arrays.copyOf(ring[a], grown);
            termRing[a] = java.util.Arrays.copyOf(termRing[a], grown);
            offloadRing[a] = java.util.Arrays.copyOf(offloadRing[a], grown);
        }
        ring[a][slot] = reward;
        termRing[a][slot] = term;
        offloadRing[a][slot] = offloaded;
        sums[a] += reward;
        terms[a] += term;
        offloads[a] += offloaded ? 1 : 0;
        counts[a]++;
    }

    private void allocate(int a, int length) {
        ring[a] = new double[length];
        termRing[a] = new double[length];
        offloadRing[a] = new boolean[length];
    }

    /**
     * The term sums and offload counts (2·L), then each arm's terms in its window and whether each offloaded (1 or
     * 0), oldest first, arm 1 first (Σ min(N_a, τ) values each).
     */
    @Override
    public double[] pricing() {
        int total = windowed();
        double[] m = java.util.Arrays.copyOf(PricingMemory.concat(terms, offloads), 2 * counts.length + 2 * total);
        int k = 2 * counts.length;
        for (int a = 0; a < counts.length; a++) {
            int filled = (int) n(a);
            long first = counts[a] - filled;
            for (int i = 0; i < filled; i++) {
                int slot = (int) ((first + i) % tau);
                m[k] = termRing[a][slot];
                m[k + total] = offloadRing[a][slot] ? 1 : 0;
                k++;
            }
        }
        return m;
    }

    private double n(int a) {
        return Math.min(counts[a], tau);
    }

    /** Σ min(N_a, τ): how many samples the windows hold. */
    private int windowed() {
        int total = 0;
        for (int a = 0; a < counts.length; a++) {
            total += (int) n(a);
        }
        return total;
    }

    @Override
    public double effectiveCount(int arm) {
        return n(arm - 1);
    }

    /** Each arm's window in order of arrival, oldest first, arm 1 first: Σ min(N_a, τ) values. */
    @Override
    public double[] memory() {
        int total = windowed();
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
    public void load(double[] rewardSums, long[] updateCounts, double[] memory, double[] pricing, double[] onDevice) {
        int total = 0;
        for (long n : updateCounts) {
            total += (int) Math.min(n, tau);
        }
        if (memory.length != total) {
            throw new IllegalArgumentException("a window of " + tau + " keeps " + total
                    + " rewards for these counts, the state has " + memory.length);
        }
        int l = counts.length;
        if (pricing != null) {
            PricingMemory.exact(pricing, 2 * l + 2 * total);
        }
        int k = 0;
        for (int a = 0; a < l; a++) {
            counts[a] = updateCounts[a];
            sums[a] = rewardSums[a];
            int filled = (int) n(a);
            if (filled == 0) {
                ring[a] = null;
                termRing[a] = null;
                offloadRing[a] = null;
            } else {
                allocate(a, filled == tau ? tau : Math.max(filled, Math.min(tau, 64)));
            }
            long first = counts[a] - filled;
            double price = PricingMemory.price(onDevice, a + 1);
            for (int i = 0; i < filled; i++) {
                double r = memory[k];
                if (!Double.isFinite(r)) {
                    throw new IllegalArgumentException("window rewards must be finite, got " + r);
                }
                int slot = (int) ((first + i) % tau);
                ring[a][slot] = r;
                if (pricing == null) {
                    termRing[a][slot] = r + price;
                } else {
                    double t = pricing[2 * l + k];
                    double off = pricing[2 * l + total + k];
                    if (!Double.isFinite(t) || (off != 0 && off != 1)) {
                        throw new IllegalArgumentException("a window's term must be finite and its offload flag 0 or 1, got "
                                + t + " and " + off);
                    }
                    termRing[a][slot] = t;
                    offloadRing[a][slot] = off == 1;
                }
                k++;
            }
        }
        restorePricing(pricing, onDevice, this::n);
    }
}
