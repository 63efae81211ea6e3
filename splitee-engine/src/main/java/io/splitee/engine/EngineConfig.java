package io.splitee.engine;

import java.util.Objects;

/**
 * What every policy needs to know about the model and the costs.
 *
 * @param arms                the number of exits L (arm L is the final exit); ≥ 1
 * @param threshold           confidence threshold α in (0, 1]: a sample exits at exit i when C_i ≥ α
 * @param costModel           cost of a choice in reward units
 * @param explorationConstant the UCB exploration constant c, finite and ≥ 0 (the paper uses 1)
 * @param seed                seed of the only random source (used by the {@code random} policy)
 */
public record EngineConfig(int arms, double threshold, CostModel costModel, double explorationConstant, long seed) {

    /** Exploration constant used when none is given. */
    public static final double DEFAULT_EXPLORATION_CONSTANT = 1.0;

    /** Validates every field. */
    public EngineConfig {
        if (arms < 1) {
            throw new IllegalArgumentException("arms must be >= 1, got " + arms);
        }
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
        }
        Objects.requireNonNull(costModel, "costModel");
        if (!(explorationConstant >= 0) || Double.isInfinite(explorationConstant)) {
            throw new IllegalArgumentException(
                    "explorationConstant must be a finite number >= 0, got " + explorationConstant);
        }
    }

    /** A configuration with exploration constant 1 and seed 0. */
    public EngineConfig(int arms, double threshold, CostModel costModel) {
        this(arms, threshold, costModel, DEFAULT_EXPLORATION_CONSTANT, 0L);
    }

    /** Whether {@code confidence} is high enough to exit: {@code confidence ≥ α}. */
    public boolean confident(double confidence) {
        return confidence >= threshold;
    }

    /**
     * The offload rule: a sample computed up to {@code arm} is offloaded iff {@code arm < L} and
     * its confidence at exit {@code arm} is below α.
     */
    public boolean offloads(int arm, double confidence) {
        return arm < arms && !confident(confidence);
    }
}
