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

    /**
     * How precisely a drifting model knows its prices, as a fraction of a price: the policy keeps the arm it
     * played while its index is within this fraction of the arm's current mean price below the best index (a price
     * band), so that noise in the estimates does not move the choice between arms that it cannot tell apart. 0 (the
     * default, and always for fixed prices): no band.
     */
    default double tolerance() {
        return 0;
    }

    /** {@code prices} as a model whose prices drift ({@link #drifts()} true): the daemon's measured costs. */
    static CostModel drifting(CostModel prices) {
        return drifting(prices, 0);
    }

    /**
     * {@code prices} as a model whose prices drift, known to within {@code tolerance} of a price ({@link #tolerance()}).
     *
     * @throws IllegalArgumentException unless 0 ≤ tolerance &lt; 1
     */
    static CostModel drifting(CostModel prices, double tolerance) {
        java.util.Objects.requireNonNull(prices, "prices");
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance: " + tolerance + " must be in [0, 1)");
        }
        return new CostModel() {
            @Override
            public double cost(int arm, boolean offloaded) {
                return prices.cost(arm, offloaded);
            }

            @Override
            public boolean drifts() {
                return true;
            }

            @Override
            public double tolerance() {
                return tolerance;
            }
        };
    }
}
