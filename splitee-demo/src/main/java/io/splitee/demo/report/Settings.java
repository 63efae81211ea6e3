package io.splitee.demo.report;

import io.splitee.engine.EngineConfig;
import io.splitee.engine.PaperCost;

/**
 * The yardstick every policy in a report is measured with: the paper's cost model and threshold.
 *
 * @param lambda      per-block device cost λ, finite, ≥ 0
 * @param offloadCost offload cost o, finite, ≥ 0
 * @param threshold   confidence threshold α in (0, 1]
 * @param ucbC        UCB exploration constant, finite, ≥ 0
 * @param seed        seed of the random baseline
 * @param pricing     how every row is priced: the paper's λ and o, or the costs measured in the run
 */
public record Settings(double lambda, double offloadCost, double threshold, double ucbC, long seed, Pricing pricing) {

    /** Validates (through the engine's own records, so the messages are the engine's). */
    public Settings {
        new PaperCost(lambda, offloadCost);
        new EngineConfig(1, threshold, new PaperCost(lambda, offloadCost), ucbC, seed);
        java.util.Objects.requireNonNull(pricing, "pricing");
    }

    /** Priced in paper units. */
    public Settings(double lambda, double offloadCost, double threshold, double ucbC, long seed) {
        this(lambda, offloadCost, threshold, ucbC, seed, Pricing.paper(lambda, offloadCost));
    }

    /** The cost model every row is priced with. */
    public io.splitee.engine.CostModel costModel() {
        return pricing.model();
    }

    /**
     * The price of a choice: with paper pricing {@code λ·arm + (offloaded ? o : 0)}, arm 0 (the raw sample
     * sent, nothing computed on the device) included.
     */
    public double cost(int arm, boolean offloaded) {
        return cost(arm, offloaded, false);
    }

    /** {@link #cost(int, boolean)} of a policy that evaluates every exit head on the way ({@code everyExit}) or not. */
    public double cost(int arm, boolean offloaded, boolean everyExit) {
        if (arm < 0) {
            throw new IllegalArgumentException("arm must be >= 0, got " + arm);
        }
        return pricing.model(everyExit).cost(arm, offloaded);
    }

    /** An engine configuration for {@code arms} arms, priced as the report is. */
    public EngineConfig engine(int arms) {
        return engine(arms, false);
    }

    /** An engine configuration for a policy that evaluates every exit head on the way ({@code everyExit}) or not. */
    public EngineConfig engine(int arms, boolean everyExit) {
        return new EngineConfig(arms, threshold, pricing.model(everyExit), ucbC, seed);
    }

    /** The same settings with another threshold. */
    public Settings withThreshold(double alpha) {
        return new Settings(lambda, offloadCost, alpha, ucbC, seed, pricing);
    }

    /** The same settings priced otherwise. */
    public Settings withPricing(Pricing p) {
        return new Settings(lambda, offloadCost, threshold, ucbC, seed, p);
    }
}
