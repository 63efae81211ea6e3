package io.splitee.engine;

/**
 * Baseline {@code early-exit}: everything on the device; the sample leaves at the first exit with
 * C_i ≥ α, else at the final exit. {@link #choose()} returns L and the caller stops early.
 */
final class EarlyExitPolicy extends AbstractPolicy {

    EarlyExitPolicy(String spec, EngineConfig config) {
        super(spec, config, new SampleMeanStatistics(config.arms()));
    }

    @Override
    int select(long t) {
        return config.arms();
    }

    @Override
    public boolean stopsAtFirstConfidentExit() {
        return true;
    }

    @Override
    void validate(Outcome outcome) {
        super.validate(outcome);
        int exit = outcome.arm();
        for (int i = 1; i < exit; i++) {
            if (outcome.observed(i) && config.confident(outcome.confidence(i))) {
                throw new IllegalArgumentException("early-exit outcome stopped at exit " + exit
                        + " but exit " + i + " was already confident (C_" + i + "=" + outcome.confidence(i) + ")");
            }
        }
    }
}
