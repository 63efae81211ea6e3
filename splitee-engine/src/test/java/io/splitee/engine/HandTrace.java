package io.splitee.engine;

/**
 * The hand-worked trace of the engine tests: 3 exits, 6 samples, binary-exact numbers
 * (λ = 1/16, o = 1/4, α = 3/4) so every reward is exact and ties are bit-exact.
 *
 * <pre>
 * costs: arm 1 on device 0.0625, offloaded 0.3125; arm 2 0.125 / 0.375; arm 3 0.1875
 * row  C1      C2      C3      r1                    r2                    r3
 *  1   0.875   0.9375  1.0     0.875-0.0625=0.8125   0.9375-0.125=0.8125   1-0.1875=0.8125
 *  2   0.5     0.625   0.875   0.875-0.3125=0.5625   0.875-0.375=0.5       0.875-0.1875=0.6875
 *  3   0.25    0.75    0.6875  0.6875-0.3125=0.375   0.75-0.125=0.625 (C2=α exits)  0.5
 *  4   0.5     0.8125  0.5625  0.5625-0.3125=0.25    0.8125-0.125=0.6875   0.375
 *  5   0.9375  0.875   0.9375  0.9375-0.0625=0.875   0.875-0.125=0.75      0.75
 *  6   0.625   0.6875  0.875   0.875-0.3125=0.5625   0.875-0.375=0.5       0.6875
 * sums                         3.4375                3.875                 3.8125
 * </pre>
 */
final class HandTrace {

    static final double LAMBDA = 0.0625;
    static final double OFFLOAD = 0.25;
    static final double ALPHA = 0.75;

    static final double[][] ROWS = {
        {0.875, 0.9375, 1.0},
        {0.5, 0.625, 0.875},
        {0.25, 0.75, 0.6875},
        {0.5, 0.8125, 0.5625},
        {0.9375, 0.875, 0.9375},
        {0.625, 0.6875, 0.875},
    };

    /** REWARDS[row][arm-1], the table above. */
    static final double[][] REWARDS = {
        {0.8125, 0.8125, 0.8125},
        {0.5625, 0.5, 0.6875},
        {0.375, 0.625, 0.5},
        {0.25, 0.6875, 0.375},
        {0.875, 0.75, 0.75},
        {0.5625, 0.5, 0.6875},
    };

    private HandTrace() {
    }

    static EngineConfig config() {
        return new EngineConfig(3, ALPHA, new PaperCost(LAMBDA, OFFLOAD));
    }

    /** The replay outcome of playing {@code arm} on {@code row}: every confidence known. */
    static Outcome outcome(EngineConfig config, int arm, double[] row) {
        return new Outcome(arm, config.offloads(arm, row[arm - 1]), row);
    }

    /**
     * What a device that evaluates every exit on the way observes: C_1..C_arm, and C_L only when it
     * offloaded (the gateway's answer) or played arm L.
     */
    static Outcome observed(EngineConfig config, int arm, double[] row) {
        boolean offloaded = config.offloads(arm, row[arm - 1]);
        double[] seen = row.clone();
        for (int j = arm + 1; j <= row.length; j++) {
            if (!(offloaded && j == row.length)) {
                seen[j - 1] = Outcome.UNOBSERVED;
            }
        }
        return new Outcome(arm, offloaded, seen);
    }
}
