package io.splitee.engine;

/** Baseline {@code random}: a uniformly random arm per sample, from the seeded source. */
final class RandomPolicy extends AbstractPolicy {

    private final SplitMix64 random;

    RandomPolicy(String spec, EngineConfig config) {
        super(spec, config, new SampleMeanStatistics(config.arms()));
        this.random = new SplitMix64(config.seed());
    }

    @Override
    int select(long t) {
        return 1 + random.nextInt(config.arms());
    }

    @Override
    long randomState() {
        return random.state();
    }

    @Override
    void loadRandomState(long state) {
        random.setState(state);
    }
}
