package io.splitee.engine;

/**
 * SplitEE: play arms 1..L once each, then the arm with the largest UCB index.
 *
 * <p>SplitEE-S (side observations): the device evaluates every exit on the way to the played arm,
 * so a play of arm a also credits every arm j &lt; a whose reward the outcome determines. Its first
 * round plays arm L, which observes every arm, instead of L rounds of which the shallow ones may
 * offload over a slow link; an arm that is still unobserved later (C_L missing) is played deepest
 * first. When the played sample exited early (C_a ≥ α, not offloaded, so C_L was not computed),
 * a lower arm j with C_j &lt; α would have offloaded and been answered by the final exit; its
 * reward is credited with C_a standing in for C_L ({@link Outcome#withFinalEstimate()}). Skipping
 * those samples instead would average arm j over its confident, cheap samples only and overrate it.
 */
final class UcbPolicy extends AbstractPolicy {

    private final boolean sideObservations;
    /** SplitEE-S: every arm has at least one observation (checked again after a restore). */
    private boolean allObserved;

    UcbPolicy(String spec, EngineConfig config, boolean sideObservations, ArmStatistics stats) {
        super(spec, config, stats);
        this.sideObservations = sideObservations;
    }

    @Override
    public boolean evaluatesEveryExit() {
        return sideObservations;
    }

    @Override
    int select(long t) {
        if (sideObservations) {
            if (!allObserved) {
                for (int a = config.arms(); a >= 1; a--) {
                    if (stats.count(a) == 0) {
                        return a;
                    }
                }
                allObserved = true;
            }
        } else if (t <= config.arms()) {
            return (int) t;
        }
        return stats.argmaxIndex(t, config.explorationConstant());
    }

    @Override
    void credit(Outcome outcome) {
        super.credit(outcome);
        if (sideObservations && outcome.arm() > 1) {
            Outcome seen = outcome.withFinalEstimate();
            for (int j = 1; j < outcome.arm(); j++) {
                double r = seen.rewardOrNaN(j, config);
                if (!Double.isNaN(r)) {
                    stats.update(j, r);
                }
            }
        }
    }

    @Override
    void restored() {
        allObserved = false;
    }
}
