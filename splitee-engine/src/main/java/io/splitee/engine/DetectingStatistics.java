package io.splitee.engine;

import java.util.function.Supplier;

/**
 * Change detection with a reset (the monitored-UCB scheme of Cao et al., 2019): every arm's
 * credited rewards (side updates included) feed a two-sided Page-Hinkley test, and when any arm's
 * test fires, every arm's statistics and every test start over, and the round count the index
 * uses restarts from 1 (ln(t − t₀), t₀ the round of the last alarm).
 *
 * <p>The test of one arm, over its n rewards x₁..x_n since the last reset, with the running mean
 * x̄_n (x_n included): g⁺_n = max(0, g⁺_{n−1} + x_n − x̄_n − δ) and
 * g⁻_n = max(0, g⁻_{n−1} + x̄_n − x_n − δ); it fires when g⁺_n &gt; h or g⁻_n &gt; h. A step of size
 * d &gt; δ in the arm's mean after k stationary rewards raises the statistic by about
 * d·k/(k + i) − δ at the i-th reward after it, so it fires after about h/(d − δ) rewards; on a
 * stationary stream the statistic drifts down by δ per reward and only a run of deviations beyond
 * δ summing to h fires it. While no test has fired the policy plays exactly what the wrapped
 * statistics make it play. O(1) per update, O(L) per alarm.
 */
final class DetectingStatistics implements ArmStatistics {

    /** Default tolerance δ, in reward units: shifts of the mean smaller than this are not tracked. */
    static final double DEFAULT_DELTA = 0.05;
    /** Default threshold h, in reward units. */
    static final double DEFAULT_THRESHOLD = 8;
    /** Values per arm in {@link #memory()}: n, mean, g⁺, g⁻. */
    private static final int PER_ARM = 4;

    private final Supplier<ArmStatistics> fresh;
    /** Whether the tests watch the cost-independent terms (prices that drift) rather than the recorded rewards. */
    private final boolean watchTerms;
    private final double delta;
    private final double threshold;
    private ArmStatistics inner;
    private final long[] n;
    private final double[] mean;
    private final double[] up;
    private final double[] down;
    /** Rounds since the start and the round of the last alarm (0: none). */
    private long ticks;
    private long lastAlarm;
    /** Alarms since this object was made or loaded (not persisted; the policy compares it). */
    private long alarms;

    DetectingStatistics(Supplier<ArmStatistics> fresh, double delta, double threshold) {
        this(fresh, delta, threshold, false);
    }

    /**
     * @param watchTerms whether each test watches the samples' cost-independent terms (the confidence each reward
     *                   starts from) instead of the rewards as recorded: for a cost model whose prices drift, which
     *                   the index prices at choice time, so that a change of cost needs no alarm and the thresholds
     *                   are in confidence units whatever unit the costs are in
     */
    DetectingStatistics(Supplier<ArmStatistics> fresh, double delta, double threshold, boolean watchTerms) {
        this.fresh = fresh;
        this.watchTerms = watchTerms;
        this.delta = delta;
        this.threshold = threshold;
        this.inner = fresh.get();
        int arms = inner.arms();
        n = new long[arms];
        mean = new double[arms];
        up = new double[arms];
        down = new double[arms];
    }

    @Override
    public void tick() {
        ticks++;
        inner.tick();
    }

    @Override
    public double logRound(long t) {
        return inner.logRound(t - lastAlarm);
    }

    @Override
    public void update(int arm, double reward, double term, boolean offloaded) {
        inner.update(arm, reward, term, offloaded);
        if (observe(arm - 1, watchTerms ? term : reward)) {
            reset();
        }
    }

    @Override
    public double termSum(int arm) {
        return inner.termSum(arm);
    }

    @Override
    public double offloadWeight(int arm) {
        return inner.offloadWeight(arm);
    }

    /** The wrapped statistics'. */
    @Override
    public double[] pricing() {
        return inner.pricing();
    }

    /** Feeds arm a's test; true when it fires. */
    private boolean observe(int a, double x) {
        n[a]++;
        mean[a] += (x - mean[a]) / n[a];
        up[a] = Math.max(0, up[a] + x - mean[a] - delta);
        down[a] = Math.max(0, down[a] + mean[a] - x - delta);
        return up[a] > threshold || down[a] > threshold;
    }

    private void reset() {
        inner = fresh.get();
        java.util.Arrays.fill(n, 0);
        java.util.Arrays.fill(mean, 0);
        java.util.Arrays.fill(up, 0);
        java.util.Arrays.fill(down, 0);
        lastAlarm = ticks;
        alarms++;
    }

    /** How many times a test fired since this object was made or its state loaded. */
    long alarms() {
        return alarms;
    }

    /** The round of the last alarm, 0 when none. */
    long lastAlarm() {
        return lastAlarm;
    }

    /** Arm {@code arm}'s Page-Hinkley statistics (g⁺, g⁻), for tests. */
    double[] statistic(int arm) {
        return new double[] {up[arm - 1], down[arm - 1]};
    }

    @Override
    public int arms() {
        return inner.arms();
    }

    @Override
    public double sum(int arm) {
        return inner.sum(arm);
    }

    @Override
    public double effectiveCount(int arm) {
        return inner.effectiveCount(arm);
    }

    @Override
    public long count(int arm) {
        return inner.count(arm);
    }

    @Override
    public double[] rewardSums() {
        return inner.rewardSums();
    }

    @Override
    public long[] updateCounts() {
        return inner.updateCounts();
    }

    /** ticks, the last alarm's round, then n, mean, g⁺, g⁻ per arm, then the wrapped statistics' memory. */
    @Override
    public double[] memory() {
        double[] own = new double[2 + PER_ARM * n.length];
        own[0] = ticks;
        own[1] = lastAlarm;
        for (int a = 0; a < n.length; a++) {
            own[2 + PER_ARM * a] = n[a];
            own[3 + PER_ARM * a] = mean[a];
            own[4 + PER_ARM * a] = up[a];
            own[5 + PER_ARM * a] = down[a];
        }
        double[] rest = inner.memory();
        double[] m = java.util.Arrays.copyOf(own, own.length + rest.length);
        System.arraycopy(rest, 0, m, own.length, rest.length);
        return m;
    }

    @Override
    public void load(double[] rewardSums, long[] updateCounts, double[] memory, double[] pricing, double[] onDevice) {
        int own = 2 + PER_ARM * n.length;
        if (memory.length < own) {
            throw new IllegalArgumentException("a change detector keeps " + own + " values for " + n.length
                    + " arms, the state has " + memory.length);
        }
        long t = whole(memory[0], "round count");
        long last = whole(memory[1], "last alarm");
        if (last > t) {
            throw new IllegalArgumentException("the last alarm (" + last + ") is after the round count (" + t + ")");
        }
        ArmStatistics loaded = fresh.get();
        loaded.load(rewardSums, updateCounts, java.util.Arrays.copyOfRange(memory, own, memory.length), pricing, onDevice);
        for (int a = 0; a < n.length; a++) {
            double g1 = memory[4 + PER_ARM * a];
            double g2 = memory[5 + PER_ARM * a];
            if (g1 < 0 || g2 < 0) {
                throw new IllegalArgumentException("a Page-Hinkley statistic must be >= 0, got " + Math.min(g1, g2));
            }
            n[a] = whole(memory[2 + PER_ARM * a], "test count");
            mean[a] = memory[3 + PER_ARM * a];
            up[a] = g1;
            down[a] = g2;
        }
        if (pricing == null && watchTerms) {
            // a state from before choice-time pricing: its tests watched rewards, these watch terms; start them over
            java.util.Arrays.fill(n, 0);
            java.util.Arrays.fill(mean, 0);
            java.util.Arrays.fill(up, 0);
            java.util.Arrays.fill(down, 0);
        }
        inner = loaded;
        ticks = t;
        lastAlarm = last;
        alarms = 0;
    }

    private static long whole(double v, String what) {
        if (v < 0 || v != Math.rint(v) || v > 1e15) {
            throw new IllegalArgumentException("the change detector's " + what + " must be a whole number >= 0, got " + v);
        }
        return (long) v;
    }
}
