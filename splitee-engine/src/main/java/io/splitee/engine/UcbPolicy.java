package io.splitee.engine;

/**
 * SplitEE: play arms 1..L once each, then the arm with the largest UCB index.
 *
 * <p>SplitEE-S (side observations): a play of arm a also credits every arm j &lt; a whose reward the
 * outcome determines. Evaluating exit j on the way costs an exit head's compute on every sample, so
 * the device evaluates it only while arm j is in contention: its UCB index reaches the best mean
 * (or it has no observation yet). An arm that UCB would explore is thus observed on the way, for
 * an exit head, before it would be played, for a possible offload; once ruled out it costs nothing
 * until its bonus has grown back. Its first
 * round plays arm L, which observes every arm, instead of L rounds of which the shallow ones may
 * offload over a slow link; an arm that is still unobserved later (C_L missing) is played deepest
 * first. When the played sample exited early (C_a ≥ α, not offloaded, so C_L was not computed),
 * a lower arm j with C_j &lt; α would have offloaded and been answered by the final exit; its
 * reward is credited with C_a standing in for C_L ({@link Outcome#withFinalEstimate()}). Skipping
 * those samples instead would average arm j over its confident, cheap samples only and overrate it.
 *
 * <p>SplitEE-S as published ({@code splitee-s-paper}): SplitEE's start and index, every exit below
 * the played arm evaluated, and every lower arm credited with the reward the outcome determines (a
 * replay gives it the trace's C_L on every sample; nothing is estimated).
 *
 * <p>{@code init=authors}: rounds 1..L play arm t and credit only it (the authors' code scores arm i
 * on sample i and charges nothing); from round L+1 on the index uses ln(t − L), the authors'
 * ln(trial + 1) with their 0-based trial counting the loop's samples from the first.
 */
final class UcbPolicy extends AbstractPolicy {

    private final boolean sideObservations;
    /** splitee-s-paper: SplitEE's start, every exit below the arm evaluated, nothing estimated. */
    private final boolean paper;
    /** init=authors. */
    private final boolean authorsInit;
    /** SplitEE-S: every arm has at least one observation (checked again after a restore). */
    private boolean allObserved;
    /** SplitEE-S: onTheWay[j] says whether exit j is evaluated on the way for the sample being chosen. */
    private final boolean[] onTheWay;

    UcbPolicy(String spec, EngineConfig config, ArmStatistics stats) {
        super(spec, config, stats);
        this.sideObservations = parsedSpec.has(Characteristic.SIDE_OBSERVATIONS);
        this.paper = parsedSpec.has(Characteristic.NEEDS_FINAL_CONFIDENCE);
        this.authorsInit = parsedSpec.authorsInit();
        this.onTheWay = new boolean[config.arms() + 1];
        if (paper) {
            java.util.Arrays.fill(onTheWay, true);
        }
    }

    @Override
    Plan plan(int arm) {
        return sideObservations ? Plan.withSideExits(arm, onTheWay) : Plan.at(arm);
    }

    @Override
    int select(long t) {
        if (!sideObservations || paper) {
            int l = config.arms();
            return t <= l ? (int) t : stats.argmaxIndex(authorsInit ? t - l : t, config.explorationConstant());
        }
        int arm = 0;
        if (!allObserved) {
            for (int a = config.arms(); a >= 1 && arm == 0; a--) {
                if (stats.count(a) == 0) {
                    arm = a;
                }
            }
            allObserved = arm == 0;
        }
        if (arm == 0) {
            arm = stats.argmaxIndex(t, config.explorationConstant());
        }
        double bar = stats.bestMean();
        double logT = StrictMath.log(t);
        for (int j = 1; j < onTheWay.length; j++) {
            onTheWay[j] = j < arm && (stats.count(j) == 0 || stats.index(j, logT, config.explorationConstant()) >= bar);
        }
        return arm;
    }

    @Override
    void credit(Outcome outcome) {
        super.credit(outcome);
        if (sideObservations && outcome.arm() > 1 && !(authorsInit && round <= config.arms())) {
            Outcome seen = paper ? outcome : outcome.withFinalEstimate();
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
