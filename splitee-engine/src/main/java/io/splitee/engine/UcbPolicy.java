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
 *
 * <p>{@code refocus=f} (with {@code detect=ph}): for K rounds after an alarm the policy plays arm L with every
 * exit on the way, so every arm starts over with K paired observations, and from then on until the next alarm
 * it explores with f·c. Both follow from the detector's round of the last alarm, which the state keeps.
 *
 * <p>{@code leave=first} (cascade arms): arm a plays {@link Plan#stopAtFirstConfidentExit(int)}: exits 1..a in order,
 * the sample leaves at the first with C_i ≥ α, and offloads at a only when none is. The arm the policy chose
 * ({@link Outcome#chosen()}) is credited with the reward of what happened ({@link Outcome#cascadeReward}); with side
 * observations every shallower arm j too: the same outcome when the sample left at i ≤ j, otherwise an offload at j,
 * whose C_L is the observed one or, when the sample left at a confident exit above j, the variant's stand-in (C_i,
 * or the side=learned estimate; splitee-s-paper takes only an observed C_L, which a replay always gives it). The
 * full-depth plays (side=learned probes, refocus) stay plain plays of arm L with every exit on the way.
 */
final class UcbPolicy extends AbstractPolicy {

    private final boolean sideObservations;
    /** splitee-s-paper: SplitEE's start, every exit below the arm evaluated, nothing estimated. */
    private final boolean paper;
    /** init=authors. */
    private final boolean authorsInit;
    /** splitee-s:side=learned: C_L learned from full-depth samples instead of C_a; probes (probeDue). Null otherwise. */
    private final FinalEstimate learned;
    /** SplitEE-S: every arm has at least one observation (checked again after a restore). */
    private boolean allObserved;
    /** SplitEE-S: onTheWay[j] says whether exit j is evaluated on the way for the sample being chosen. */
    private final boolean[] onTheWay;
    /** detect=ph: the statistics' alarm count when last seen (an alarm starts the observation over). */
    private long alarmsSeen;
    /** refocus=f: f (0: off) and K, the plays of arm L after an alarm. */
    private final double refocus;
    private final int refocusPlays;
    /**
     * The arm the index chose last (0: none yet, or since a restore): kept while its index is within the cost model's
     * price band of the best ({@link Prices#band}); derived, not persisted.
     */
    private int kept;
    /** side=learned: the arm a probe replaced this round (0: no probe); derived, not persisted, for reports. */
    int probedFor;
    /** side=learned: whether probes are made at all (true; false only for the oracle run of the probe figures). */
    boolean probing = true;
    /** leave=first: arm a leaves at the first confident exit 1..a. */
    private final boolean cascade;
    /** leave=first: the arm select() just chose is a full-depth play (a probe or a refocus play), not a cascade arm. */
    private boolean fullDepth;
    /** leave=first with side=learned: full-depth plays whose outcome has not been recorded yet; derived, not persisted. */
    private int fullDepthOutstanding;

    UcbPolicy(String spec, EngineConfig config, ArmStatistics stats) {
        super(spec, config, stats);
        this.sideObservations = parsedSpec.has(Characteristic.SIDE_OBSERVATIONS);
        this.paper = parsedSpec.has(Characteristic.NEEDS_FINAL_CONFIDENCE);
        this.authorsInit = parsedSpec.authorsInit();
        this.learned = parsedSpec.learnedSide() ? new FinalEstimate(config.arms()) : null;
        this.onTheWay = new boolean[config.arms() + 1];
        this.refocus = parsedSpec.refocus();
        this.refocusPlays = parsedSpec.refocusPlays();
        this.cascade = parsedSpec.leavesAtFirstExit();
        if (paper) {
            java.util.Arrays.fill(onTheWay, true);
        }
    }

    @Override
    Plan plan(int arm) {
        if (cascade) {
            if (fullDepth) {
                fullDepthOutstanding++;
                return Plan.withSideExits(arm, onTheWay);
            }
            return Plan.stopAtFirstConfidentExit(arm);
        }
        return sideObservations ? Plan.withSideExits(arm, onTheWay) : Plan.at(arm);
    }

    @Override
    int select(long t) {
        // the arms' statistics priced with the costs of this moment (the recorded sums under fixed prices)
        Prices prices = Prices.of(config);
        double c = config.explorationConstant();
        fullDepth = false;
        if (refocus != 0 && stats instanceof DetectingStatistics d && d.lastAlarm() > 0) {
            if (t - d.lastAlarm() <= refocusPlays) {
                // right after an alarm: arm L with every exit on the way, so every arm has paired observations
                java.util.Arrays.fill(onTheWay, true);
                fullDepth = true;
                return config.arms();
            }
            c *= refocus;
        }
        if (!sideObservations || paper) {
            int l = config.arms();
            return t <= l ? (int) t : byIndex(authorsInit ? t - l : t, c, prices);
        }
        int arm = 0;
        if (stats instanceof DetectingStatistics d && d.alarms() != alarmsSeen) {
            alarmsSeen = d.alarms();
            allObserved = false; // everything was forgotten: play the deepest unobserved arm again
        }
        if (!allObserved) {
            for (int a = config.arms(); a >= 1 && arm == 0; a--) {
                if (stats.count(a) == 0) {
                    arm = a;
                }
            }
            allObserved = arm == 0;
        }
        if (arm == 0) {
            arm = byIndex(t, c, prices);
        }
        probedFor = 0;
        if (learned != null && probing && arm > 1 && arm < config.arms() && probeDue(t, arm, prices)) {
            // a full-depth probe instead: every exit on the way and C_L, charged as a play of arm L
            probedFor = arm;
            java.util.Arrays.fill(onTheWay, true);
            fullDepth = true;
            return config.arms();
        }
        double bar = stats.bestMean(prices);
        double logT = stats.logRound(t);
        for (int j = 1; j < onTheWay.length; j++) {
            onTheWay[j] = j < arm && (stats.count(j) == 0 || stats.index(j, logT, c, prices) >= bar);
        }
        return arm;
    }

    /**
     * The arm with the largest index at round {@code t}, unless the arm the index chose last is within its price band
     * of it: under drifting prices known to within a tolerance ({@link CostModel#tolerance()}), a difference smaller
     * than the band is noise in the estimates, and the played arm is kept. An unexplored arm (infinite index) is
     * always taken. Without a band (fixed prices, tolerance 0): the plain argmax, bit for bit.
     */
    private int byIndex(long t, double c, Prices prices) {
        int best = stats.argmaxIndex(t, c, prices);
        int keep = kept;
        if (keep != 0 && keep != best && stats.count(best) > 0 && stats.count(keep) > 0) {
            double band = prices.band(stats, keep);
            double logT = stats.logRound(t);
            if (band > 0 && stats.index(keep, logT, c, prices) >= stats.index(best, logT, c, prices) - band) {
                best = keep;
            }
        }
        kept = best;
        return best;
    }

    @Override
    void credit(Outcome outcome) {
        if (cascade) {
            creditCascade(outcome);
            return;
        }
        super.credit(outcome);
        if (learned != null) {
            creditLearned(outcome);
            return;
        }
        if (sideObservations && outcome.arm() > 1 && !(authorsInit && round <= config.arms())) {
            Outcome seen = paper ? outcome : outcome.withFinalEstimate();
            for (int j = 1; j < outcome.arm(); j++) {
                credit(seen, j);
            }
        }
    }

    /**
     * side=learned: whether round {@code t} plays a full-depth probe instead of arm a (1 &lt; a &lt; L). Only at a
     * square round ({@link #isProbe}), only when arms a and L are observed (the probe's price is then the mean of a
     * minus the mean of L, at least 0), only within the budget ({@link FinalEstimate#affords}), and only while the
     * estimate can still change how some arm j &lt; a ranks against a: its bias bound reaches the gap between their
     * means ({@link FinalEstimate#needsProbe}). Everything it reads is from earlier rounds, so whether a sample is
     * probed does not depend on the sample: the probed samples stay a fair draw.
     */
    private boolean probeDue(long t, int a, Prices prices) {
        int l = config.arms();
        if (!isProbe(t) || stats.count(a) == 0 || stats.count(l) == 0) {
            return false;
        }
        double price = Math.max(0, mean(a, prices) - mean(l, prices));
        if (!learned.affords(price, t) || !learned.needsProbe(a, gaps(a, prices))) {
            return false;
        }
        learned.spend(price);
        return true;
    }

    private double mean(int a, Prices prices) {
        return prices.sum(stats, a) / stats.effectiveCount(a);
    }

    /** gaps[j], j &lt; a: |mean of arm j − mean of arm a|, priced now; infinite for an unobserved arm j. */
    private double[] gaps(int a, Prices prices) {
        double[] g = new double[a];
        double m = mean(a, prices);
        for (int j = 1; j < a; j++) {
            g[j] = stats.count(j) == 0 ? Double.POSITIVE_INFINITY : Math.abs(mean(j, prices) - m);
        }
        return g;
    }

    /**
     * leave=first: the chosen arm a gets the reward of what happened; with side observations (after the authors'
     * uncharged start, if any) every arm j &lt; a gets the reward it would have had. A sample that left at a confident
     * exit i &lt; j is arm j's outcome too; otherwise arm j would have offloaded at j and needs C_L: observed when the
     * sample offloaded or reached L (a replay gives splitee-s-paper the trace's), else, for splitee-s, C_i standing
     * in ({@link Outcome#withFinalEstimate()}) or the side=learned estimate. A full-depth play (chosen = L, every exit
     * evaluated) credits the cascade arms the same way.
     */
    private void creditCascade(Outcome outcome) {
        int a = outcome.chosen();
        int l = config.arms();
        if (learned != null && outcome.arm() == l && fullDepth(outcome)) {
            learned.learn(outcome, config);
        }
        creditCascade(outcome, a);
        if (!sideObservations || authorsInit && round <= l) {
            return;
        }
        Outcome seen = paper || learned != null ? outcome : outcome.withFinalEstimate();
        for (int j = 1; j < a; j++) {
            creditCascade(seen, j);
        }
    }

    /**
     * Whether an outcome that reached L is a full-depth play's (a probe's or a refocus play's), the only fair draws the
     * C_L estimate learns from: one with a confident exit below L is (a cascade play would have left there); one
     * without is taken as one while a full-depth play is outstanding (a cascade play of L that reached L looks the
     * same, and adds the same to the estimate: nothing but its count of full-depth samples).
     */
    private boolean fullDepth(Outcome o) {
        boolean confident = false;
        for (int j = 1; j < config.arms() && !confident; j++) {
            confident = o.observed(j) && config.confident(o.confidence(j));
        }
        if (!confident && fullDepthOutstanding == 0) {
            return false;
        }
        fullDepthOutstanding = Math.max(0, fullDepthOutstanding - 1);
        return true;
    }

    /** Credits cascade arm {@code j} its reward on {@code o} when it can be computed (or estimated, side=learned). */
    private void creditCascade(Outcome o, int j) {
        int i = o.cascadeExit(j, config);
        if (i == 0) {
            return;
        }
        double r = o.rewardOrNaN(i, config);
        boolean off = o.offloadsAt(i, config);
        double term;
        if (Double.isNaN(r)) {
            // arm j offloads at i = j, C_L unknown: the sample left confidently at its stop exit above j
            if (learned == null || o.offloaded() || o.observed(l())) {
                return;
            }
            double price = checked(config.costModel().cost(j, true), j);
            term = learned.finalConfidence(j, o.arm(), o.confidence(o.arm()));
            r = term - price;
        } else {
            term = o.termOrNaN(i, config);
        }
        if (i < j) {
            // left at i before j: the index prices arm j's terms at j's price, so the term carries the difference
            // between the prices of leaving at i and of computing to j (as recorded; equal to the reward under fixed prices)
            term += checked(config.costModel().cost(j, false), j) - checked(config.costModel().cost(i, false), i);
        }
        stats.update(j, r, term, off);
    }

    private int l() {
        return config.arms();
    }

    private static double checked(double c, int arm) {
        if (!Double.isFinite(c)) {
            throw new IllegalArgumentException("cost model returned " + c + " for arm " + arm);
        }
        return c;
    }

    /** Rounds 4, 9, 16, ...: at most about sqrt(n) probes in n rounds. */
    static boolean isProbe(long t) {
        long r = (long) Math.sqrt((double) t);
        return t > 1 && r * r == t;
    }

    /**
     * side=learned: a lower arm j is credited when its reward is determined, or, when it needs C_L on a
     * sample that exited early at a, with C_L estimated by {@link FinalEstimate}; samples that reached the
     * final exit teach the estimate first.
     */
    private void creditLearned(Outcome outcome) {
        int a = outcome.arm();
        int l = config.arms();
        if (a == l) {
            // only plays of arm L: an offload at b also carries C_L, but only for samples with C_b < α,
            // and those are not a fair draw of C_L given C_a ≥ α for the exits a < b on the way
            learned.learn(outcome, config);
        }
        CostModel cost = config.costModel();
        boolean exitedEarly = !outcome.observed(l);
        for (int j = 1; j < a; j++) {
            if (!outcome.observed(j)) {
                continue;
            }
            double r = outcome.rewardOrNaN(j, config);
            if (Double.isNaN(r) && exitedEarly) {
                double c = cost.cost(j, true);
                if (!Double.isFinite(c)) {
                    throw new IllegalArgumentException("cost model returned " + c + " for arm " + j + " (offloaded)");
                }
                double term = learned.finalConfidence(j, a, outcome.confidence(a));
                stats.update(j, term - c, term, true);
            } else if (!Double.isNaN(r)) {
                stats.update(j, r, outcome.termOrNaN(j, config), outcome.offloadsAt(j, config));
            }
        }
    }

    @Override
    double[] memory() {
        if (learned == null) {
            return stats.memory();
        }
        double[] e = learned.memory();
        double[] s = stats.memory();
        double[] m = java.util.Arrays.copyOf(e, e.length + s.length);
        System.arraycopy(s, 0, m, e.length, s.length);
        return m;
    }

    @Override
    double[] loadMemory(double[] memory) {
        if (learned == null) {
            return memory;
        }
        int n = learned.memoryLength();
        if (memory.length < n) {
            throw new IllegalArgumentException("side=learned keeps " + n + " values of its C_L estimate, the state has "
                    + memory.length);
        }
        learned.load(memory, 0);
        return java.util.Arrays.copyOfRange(memory, n, memory.length);
    }

    @Override
    void restored() {
        allObserved = false;
        alarmsSeen = 0;
        kept = 0;
        fullDepthOutstanding = 0;
    }
}
