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

    /**
     * Whether this model's prices change while a policy runs (measured estimates that follow the device and the
     * link). A policy then keeps each arm's cost-independent statistics (confidence terms, offload counts) and
     * prices them with the current {@link #cost} every time it chooses, instead of summing rewards priced when
     * they were recorded; a sample recorded during a warm-up or before a link change then costs what the arm
     * costs now. False by default: fixed prices (the paper's {@code λ}, {@code o}) are summed as recorded, bit for
     * bit as before choice-time pricing.
     */
    default boolean drifts() {
        return false;
    }

    /** {@code prices} as a model whose prices drift ({@link #drifts()} true): the daemon's measured costs. */
    static CostModel drifting(CostModel prices) {
        java.util.Objects.requireNonNull(prices, "prices");
        return new CostModel() {
            @Override
            public double cost(int arm, boolean offloaded) {
                return prices.cost(arm, offloaded);
            }

            @Override
            public boolean drifts() {
                return true;
            }
        };
    }
}
