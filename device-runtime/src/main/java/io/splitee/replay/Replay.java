package io.splitee.replay;

import io.splitee.engine.Characteristic;
import io.splitee.engine.CostModel;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Observation;
import io.splitee.engine.Outcome;
import io.splitee.engine.Plan;
import io.splitee.engine.PlanExecutor;
import io.splitee.engine.Policy;
import io.splitee.engine.PolicySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Replays a policy over a trace, as the device would have played it: per sample, choose a plan and
 * carry it out with {@link PlanExecutor} against the trace row (the same executor the device runs
 * against its segment runner), then record what the device would have observed: the exits the plan
 * evaluated, and C_L only when the sample was offloaded (the gateway's answer) or played at L.
 * Two policies are fed otherwise, as their characteristics say: the published SplitEE-S
 * ({@link Characteristic#NEEDS_FINAL_CONFIDENCE}) gets the trace's C_L on every sample, and a policy
 * with the authors' start ({@link Characteristic#UNCHARGED_WARM_UP}) first scores samples 1..L
 * uncharged, then the replay starts over from the first sample.
 */
public final class Replay {

    /** The cumulative-regret checkpoints of the paper's table. */
    public static final List<Integer> DEFAULT_CHECKPOINTS = List.of(1000, 2000, 5000);

    private Replay() {
    }

    /**
     * Replays {@code policy} (fresh or restored) over every sample of {@code trace}.
     *
     * @param config      the configuration the policy was made with (α, cost model)
     * @param checkpoints sample counts at which to report cumulative regret (those beyond the
     *                    trace are left out)
     * @throws IllegalArgumentException if the trace, policy and configuration disagree on L
     */
    public static ReplayResult run(Trace trace, Policy policy, EngineConfig config, List<Integer> checkpoints) {
        return run(trace, policy, config, checkpoints, (sample, arm, offloaded, seen) -> { });
    }

    /** What the replay decided for one sample (0-based sample, 1-based arm) and what the policy saw. */
    @FunctionalInterface
    public interface Played {
        /** Sample {@code sample} was played at {@code arm}; {@code seen} is the outcome the policy recorded. */
        void played(int sample, int arm, boolean offloaded, Outcome seen);
    }

    /**
     * As {@link #run(Trace, Policy, EngineConfig, List)}, telling {@code played} each sample's decision and the
     * outcome the policy recorded, in order (for reports and comparisons; no wrapper policy needed).
     */
    public static ReplayResult run(Trace trace, Policy policy, EngineConfig config, List<Integer> checkpoints, Played played) {
        return run(trace, policy, config, checkpoints, played, s -> { });
    }

    /**
     * As above; {@code atSample} is told the 0-based sample before its rewards are computed and
     * before it is played (a {@link ScheduledCost} switches its costs there).
     */
    static ReplayResult run(Trace trace, Policy policy, EngineConfig config, List<Integer> checkpoints, Played played,
                            java.util.function.IntConsumer atSample) {
        Objects.requireNonNull(played, "played");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(config, "config");
        int n = trace.samples();
        int l = trace.exits();
        if (config.arms() != l || policy.arms() != l) {
            throw new IllegalArgumentException("trace " + trace.name() + " has " + l + " exits but the configuration has "
                    + config.arms() + " and the policy " + policy.arms());
        }
        CostModel costModel = config.costModel();

        // Full information: every arm's reward on every sample, for the best fixed arm and regret; a policy whose
        // arms leave at the first confident exit (leave=first) is measured against the best such arm
        boolean cascade = PolicySpec.parse(policy.spec()).leavesAtFirstExit();
        double[] rewards = new double[n * l];
        double[] fixedRewards = cascade ? new double[n * l] : rewards;
        double[] armSums = new double[l];
        for (int s = 0; s < n; s++) {
            atSample.accept(s);
            Outcome full = new Outcome(l, false, trace.confidences(s));
            for (int a = 1; a <= l; a++) {
                double r = full.reward(a, config).orElseThrow();
                rewards[s * l + a - 1] = r;
                if (cascade) {
                    r = full.cascadeReward(a, config).orElseThrow();
                    fixedRewards[s * l + a - 1] = r;
                }
                armSums[a - 1] += r;
            }
        }
        int best = 1;
        for (int a = 2; a <= l; a++) {
            if (armSums[a - 1] > armSums[best - 1]) {
                best = a;
            }
        }

        boolean trueFinal = policy.characteristics().contains(Characteristic.NEEDS_FINAL_CONFIDENCE);
        if (policy.characteristics().contains(Characteristic.UNCHARGED_WARM_UP)) {
            // The authors' start: arm t scored on sample t, nothing charged; the loop then starts over.
            for (int s = 0; s < Math.min(l, n); s++) {
                atSample.accept(s);
                policy.record(observed(trace, s, policy.choose(), config, trueFinal));
            }
        }
        List<Integer> marks = new ArrayList<>(checkpoints);
        SortedMap<Integer, Double> cumulative = new TreeMap<>();
        long[] armCounts = new long[l];
        double cost = 0;
        double playedReward = 0;
        double running = 0;
        long offloaded = 0;
        long correct = 0;
        long finalCorrect = 0;
        for (int s = 0; s < n; s++) {
            atSample.accept(s);
            Outcome seen = observed(trace, s, policy.choose(), config, trueFinal);
            int arm = seen.arm();
            boolean off = seen.offloaded();
            policy.record(seen);
            played.played(s, arm, off, seen);
            double reward = rewards[s * l + arm - 1];
            playedReward += reward;
            running += fixedRewards[s * l + best - 1] - reward;
            cost += costModel.cost(arm, off);
            armCounts[arm - 1]++;
            if (off) {
                offloaded++;
            }
            if (trace.hasLabels()) {
                int answer = trace.prediction(s, off ? l : arm);
                int label = trace.label(s);
                correct += answer == label ? 1 : 0;
                finalCorrect += trace.prediction(s, l) == label ? 1 : 0;
            }
            if (marks.contains(s + 1)) {
                cumulative.put(s + 1, running);
            }
        }
        List<Long> counts = new ArrayList<>(l);
        for (long c : armCounts) {
            counts.add(c);
        }
        OptionalDouble accuracy = trace.hasLabels() ? OptionalDouble.of((double) correct / n) : OptionalDouble.empty();
        OptionalDouble finalAccuracy = trace.hasLabels() ? OptionalDouble.of((double) finalCorrect / n) : OptionalDouble.empty();
        return new ReplayResult(policy.spec(), n, new ReplayResult.Costs(cost, n * costModel.cost(l, false)),
                new ReplayResult.Play(l, counts, offloaded, best, armSums[best - 1] - playedReward),
                new ReplayResult.Accuracies(accuracy, finalAccuracy), cumulative);
    }

    /**
     * What the live device sees of sample {@code s} played by {@code plan}: the exits the plan
     * evaluated, and C_L only when the gateway answered (offloaded) or the sample reached L; with
     * {@code trueFinal} (a policy that {@link Characteristic#NEEDS_FINAL_CONFIDENCE}, the published
     * SplitEE-S) the trace's C_L on every sample.
     */
    static Outcome observed(Trace trace, int s, Plan plan, EngineConfig config) {
        return observed(trace, s, plan, config, false);
    }

    static Outcome observed(Trace trace, int s, Plan plan, EngineConfig config, boolean trueFinal) {
        Observation o = PlanExecutor.execute(plan, config, exit -> trace.confidence(s, exit));
        double cl = trace.confidence(s, trace.exits());
        if (o.offloads()) {
            return o.answered(cl);
        }
        return trueFinal && o.arm() < trace.exits() ? o.with(trace.exits(), cl).exited() : o.exited();
    }
}
