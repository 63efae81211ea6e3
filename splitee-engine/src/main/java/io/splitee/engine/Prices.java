package io.splitee.engine;

/**
 * How the index prices an arm's statistics. {@link #RECORDED}: the sum of its rewards as priced when each
 * was recorded (a cost model whose prices never change: the paper's; bit for bit what it always did).
 * {@link #of}: the arm's cost-independent terms priced with the cost model's prices of this moment,
 * {@code Σ term − (N − K)·cost(a, device) − K·cost(a, offloaded)} with N the (effective) count and K the
 * (effective) number of its samples that offloaded, so that a sample recorded while the estimates were
 * still warming up, or before the link changed, costs what the arm costs now.
 */
final class Prices {

    /** The recorded sums. */
    static final Prices RECORDED = new Prices(null, null, 0);

    private final double[] onDevice;
    private final double[] offloaded;
    private final double tolerance;

    private Prices(double[] onDevice, double[] offloaded, double tolerance) {
        this.onDevice = onDevice;
        this.offloaded = offloaded;
        this.tolerance = tolerance;
    }

    /** The current prices of every arm under {@code config}'s cost model; {@link #RECORDED} unless it drifts. */
    static Prices of(EngineConfig config) {
        CostModel model = config.costModel();
        if (!model.drifts()) {
            return RECORDED;
        }
        int l = config.arms();
        double[] device = new double[l + 1];
        double[] off = new double[l + 1];
        for (int a = 1; a <= l; a++) {
            device[a] = checked(model.cost(a, false), a, false);
            off[a] = a < l ? checked(model.cost(a, true), a, true) : device[a];
        }
        double tolerance = model.tolerance();
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("cost model tolerance " + tolerance + " is outside [0, 1)");
        }
        return new Prices(device, off, tolerance);
    }

    /** The on-device prices of every arm (index 1..L) under a drifting model; null under a fixed one. */
    static double[] onDevice(EngineConfig config) {
        return of(config).onDevice;
    }

    /** Q_a of {@code arm} priced as these prices say. */
    double sum(ArmStatistics s, int arm) {
        if (onDevice == null) {
            return s.sum(arm);
        }
        double k = s.offloadWeight(arm);
        return s.termSum(arm) - (s.effectiveCount(arm) - k) * onDevice[arm] - k * offloaded[arm];
    }

    /**
     * The price band of an observed {@code arm}: the cost model's tolerance times the arm's mean price now,
     * {@code ((N − K)·cost(a, device) + K·cost(a, offloaded)) / N}, in reward units; 0 under fixed prices or without
     * a tolerance. The policy keeps the arm it played while its index is within the band of the best.
     */
    double band(ArmStatistics s, int arm) {
        if (onDevice == null || tolerance == 0) {
            return 0;
        }
        double n = s.effectiveCount(arm);
        double k = s.offloadWeight(arm);
        return tolerance * Math.abs(((n - k) * onDevice[arm] + k * offloaded[arm]) / n);
    }

    private static double checked(double c, int arm, boolean offloaded) {
        if (!Double.isFinite(c)) {
            throw new IllegalArgumentException("cost model returned " + c + " for arm " + arm
                    + (offloaded ? " (offloaded)" : ""));
        }
        return c;
    }
}
