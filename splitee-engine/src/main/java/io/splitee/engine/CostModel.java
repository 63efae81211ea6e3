package io.splitee.engine;

/**
 * The cost of a choice, in reward units (the same units as a confidence).
 *
 * <p>The engine asks for the cost of the played arm and, for SplitEE-S side observations, of the
 * arms below it. {@link PaperCost} is the paper's model; a measured model (per-block compute time
 * and link cost on the board, scaled to reward units) implements the same method. Implementations
 * must be deterministic for a given state and return finite values; the engine rejects a
 * non-finite cost.
 */
@FunctionalInterface
public interface CostModel {

    /**
     * Cost of computing blocks 1..{@code arm} on the device and, when {@code offloaded}, of sending
     * the features after block {@code arm} to the gateway, which finishes inference.
     *
     * @param arm       1-based arm (split point), 1..L
     * @param offloaded whether the sample was offloaded after block {@code arm}
     * @return the cost in reward units, finite
     */
    double cost(int arm, boolean offloaded);
}
