package io.splitee.engine;

/** Baselines {@code final} (arm L) and {@code fixed:K}: always the same arm. */
final class FixedArmPolicy extends AbstractPolicy {

    private final int arm;

    FixedArmPolicy(String spec, EngineConfig config, int arm) {
        super(spec, config, new SampleMeanStatistics(config.arms()));
        this.arm = arm;
    }

    @Override
    int select(long t) {
        return arm;
    }
}
