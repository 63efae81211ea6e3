package io.splitee.engine;

/**
 * SplitEE (and SplitEE-S with side observations): play arms 1..L once each, then the arm with
 * the largest UCB index.
 */
final class UcbPolicy extends AbstractPolicy {

    private final boolean sideObservations;

    UcbPolicy(String spec, EngineConfig config, boolean sideObservations, ArmStatistics stats) {
        super(spec, config, stats);
        this.sideObservations = sideObservations;
    }

    @Override
    int select(long t) {
        if (t <= config.arms()) {
            return (int) t;
        }
        return stats.argmaxIndex(t, config.explorationConstant());
    }

    @Override
    void credit(Outcome outcome) {
        super.credit(outcome);
        if (sideObservations) {
            for (int j = 1; j < outcome.arm(); j++) {
                double r = outcome.rewardOrNaN(j, config);
                if (!Double.isNaN(r)) {
                    stats.update(j, r);
                }
            }
        }
    }
}
