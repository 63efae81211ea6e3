package io.splitee.engine;

import java.util.Set;

/** What every policy shares: the round counter, the statistics, outcome validation, snapshots. */
abstract class AbstractPolicy implements Policy {

    final String spec;
    final PolicySpec parsedSpec;
    final EngineConfig config;
    final ArmStatistics stats;
    long round;

    AbstractPolicy(String spec, EngineConfig config, ArmStatistics stats) {
        this.spec = spec;
        this.parsedSpec = PolicySpec.parse(spec);
        this.config = config;
        this.stats = stats;
    }

    @Override
    public final String spec() {
        return spec;
    }

    @Override
    public final int arms() {
        return config.arms();
    }

    @Override
    public final Set<Characteristic> characteristics() {
        return parsedSpec.characteristics();
    }

    @Override
    public final Plan choose() {
        round++;
        stats.tick();
        return plan(select(round));
    }

    /** The arm for round {@code t} (1-based, already counted). */
    abstract int select(long t);

    /** The plan for the arm {@link #select} just chose: by default, only the arm's exit. */
    Plan plan(int arm) {
        return Plan.at(arm);
    }

    @Override
    public final void record(Outcome outcome) {
        validate(outcome);
        credit(outcome);
    }

    /** Credits the played arm's reward; overridden to add side observations. */
    void credit(Outcome outcome) {
        credit(outcome, outcome.arm());
    }

    /** Credits arm {@code j}'s reward on {@code outcome} when it is computable: recorded, and its cost-free parts. */
    final void credit(Outcome outcome, int j) {
        double r = outcome.rewardOrNaN(j, config);
        if (!Double.isNaN(r)) {
            stats.update(j, r, outcome.termOrNaN(j, config), outcome.offloadsAt(j, config));
        }
    }

    /** Rejects an outcome that cannot come from this policy's configuration. */
    void validate(Outcome outcome) {
        if (outcome.exits() != config.arms()) {
            throw new IllegalArgumentException("outcome has " + outcome.exits() + " exits, the policy " + config.arms());
        }
        int arm = outcome.arm();
        boolean shouldOffload = config.offloads(arm, outcome.confidence(arm));
        if (outcome.offloaded() != shouldOffload) {
            throw new IllegalArgumentException("outcome offloaded=" + outcome.offloaded() + " contradicts the threshold rule: arm "
                    + arm + " of " + config.arms() + ", C_" + arm + "=" + outcome.confidence(arm)
                    + ", threshold " + config.threshold());
        }
    }

    /** The change detector's alarms, when the statistics have one ({@code detect=ph}); not persisted. */
    @Override
    public final long changesDetected() {
        return stats instanceof DetectingStatistics d ? d.alarms() : 0;
    }

    /** The change detector's round of the last alarm (its round count equals {@link #round}); persisted. */
    @Override
    public final long lastChangeRound() {
        return stats instanceof DetectingStatistics d ? d.lastAlarm() : 0;
    }

    /** State of the random source; policies without one keep the seed unchanged. */
    long randomState() {
        return config.seed();
    }

    void loadRandomState(long state) {
        // no random source
    }

    @Override
    public final PolicyState snapshot() {
        return new PolicyState(PolicyState.VERSION, spec, config.arms(), round, randomState(),
                stats.rewardSums(), stats.updateCounts(), memory(), stats.pricing());
    }

    /**
     * Loads {@code state}. A state from before choice-time pricing (version 1 or 2) has no cost-independent part:
     * it is migrated by taking each recorded reward as a term answered on the device at the arm's current price,
     * so the arms' sums priced now are the recorded ones (under fixed prices nothing changes at all).
     */
    final void restore(PolicyState state) {
        round = state.round();
        loadRandomState(state.randomState());
        boolean migrate = state.version() < PolicyState.VERSION;
        stats.load(state.rewardSums(), state.updateCounts(), loadMemory(state.memory()),
                migrate ? null : state.pricing(), migrate ? Prices.onDevice(config) : null);
        restored();
    }

    /** What the state's memory holds: by default the statistics'. */
    double[] memory() {
        return stats.memory();
    }

    /** Loads what the policy keeps itself from a state's memory and returns the statistics' part. */
    double[] loadMemory(double[] memory) {
        return memory;
    }

    /** Called after a snapshot was loaded; policies drop what they derived from the statistics. */
    void restored() {
        // nothing derived
    }

    @Override
    public String toString() {
        return spec + "[round=" + round + "]";
    }
}
