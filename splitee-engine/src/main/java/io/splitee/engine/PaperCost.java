package io.splitee.engine;

/**
 * The paper's cost model: {@code λ·arm} on the device, plus {@code o} when offloaded.
 *
 * @param lambda      per-block device cost λ, finite and ≥ 0
 * @param offloadCost offload cost o, finite and ≥ 0
 */
public record PaperCost(double lambda, double offloadCost) implements CostModel {

    /** Validates both costs. */
    public PaperCost {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be a finite number >= 0, got " + lambda);
        }
        if (!(offloadCost >= 0) || Double.isInfinite(offloadCost)) {
            throw new IllegalArgumentException("offloadCost must be a finite number >= 0, got " + offloadCost);
        }
    }

    @Override
    public double cost(int arm, boolean offloaded) {
        if (arm < 1) {
            throw new IllegalArgumentException("arm must be >= 1, got " + arm);
        }
        double device = lambda * arm;
        return offloaded ? device + offloadCost : device;
    }
}
