package io.splitee.replay;

import io.splitee.engine.CostModel;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Outcome;
import io.splitee.engine.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a policy over a {@link Schedule} with the paper's costs (λ, o, and their changes), and
 * measures how it follows each change: after a change at sample N, the best fixed arm of the
 * samples up to the next change (or the end), and how many samples after N the policy first played
 * that arm in at least {@value #SHARE_PERCENT}% of the last {@value #WINDOW} samples.
 */
public final class ScheduledReplay {

    /** The sliding window of the adaptation measure. */
    public static final int WINDOW = 200;
    /** The share of the window that must be the new best arm, percent. */
    public static final int SHARE_PERCENT = 80;

    private final Trace stream;
    private final List<Integer> points;
    private final ScheduledCost costs;

    private ScheduledReplay(Trace stream, List<Integer> points, ScheduledCost costs) {
        this.stream = stream;
        this.points = points;
        this.costs = costs;
    }

    /**
     * A replay of {@code schedule} with the paper's costs λ and o at the start.
     *
     * @throws IllegalArgumentException naming the problem of the schedule
     */
    public static ScheduledReplay of(Schedule schedule, double lambda, double offloadCost) {
        if (!schedule.measuredChanges().isEmpty()) {
            throw new IllegalArgumentException("the schedule changes " + schedule.measuredChanges().get(0).key()
                    + ", a measured-mode key; replay it with MeasuredReplay.withChanges");
        }
        Trace stream = schedule.stream();
        return new ScheduledReplay(stream, schedule.changePoints(), new ScheduledCost(lambda, offloadCost, schedule.changes()));
    }

    /** The stream's samples. */
    public Trace stream() {
        return stream;
    }

    /** The cost model to make the policy's {@link EngineConfig} with. */
    public CostModel costModel() {
        return costs;
    }

    /**
     * How the policy followed one change.
     *
     * @param at          the 0-based sample where the change takes effect
     * @param bestArm     the best fixed arm from {@code at} to the next change
     * @param samples     samples from {@code at} until the policy played {@code bestArm} in
     *                    {@value #SHARE_PERCENT}% of the last {@value #WINDOW} (at least 160, a
     *                    policy that switched at once; 1 when it already did); -1 when it never did
     *                    before the next change
     */
    public record Adaptation(int at, int bestArm, int samples) {
    }

    /** The replay's result and the adaptation to each change. */
    public record Result(ReplayResult replay, List<Adaptation> adaptations, int[] arms) {
    }

    /**
     * Replays {@code policy} (made with {@link #costModel()}).
     *
     * @throws IllegalArgumentException if the config has another cost model
     */
    public Result run(Policy policy, EngineConfig config, List<Integer> checkpoints) {
        if (config.costModel() != costs) {
            throw new IllegalArgumentException("config: its cost model is not this replay's costModel()");
        }
        int n = stream.samples();
        int[] arms = new int[n];
        ReplayResult r = Replay.run(stream, policy, config, checkpoints, (s, arm, off, seen) -> arms[s] = arm, costs::at);
        List<Adaptation> out = new ArrayList<>();
        for (int k = 0; k < points.size(); k++) {
            int from = points.get(k);
            int to = k + 1 < points.size() ? points.get(k + 1) : n;
            int best = bestArm(config, from, to);
            out.add(new Adaptation(from, best, adaptation(arms, best, from, to)));
        }
        return new Result(r, out, arms);
    }

    private int bestArm(EngineConfig config, int from, int to) {
        return bestFixedArm(stream.exits(), config, from, to, s -> {
            costs.at(s);
            return new Outcome(stream.exits(), false, stream.confidences(s));
        });
    }

    /**
     * The best fixed arm in hindsight over samples {@code from..to-1}: the arm whose summed reward is
     * highest, each sample's full-depth outcome given by {@code fullAt} (which also sets that sample's prices).
     */
    static int bestFixedArm(int l, EngineConfig config, int from, int to,
            java.util.function.IntFunction<Outcome> fullAt) {
        double[] sums = new double[l];
        for (int s = from; s < to; s++) {
            Outcome full = fullAt.apply(s);
            for (int a = 1; a <= l; a++) {
                sums[a - 1] += full.reward(a, config).orElseThrow();
            }
        }
        int best = 1;
        for (int a = 2; a <= l; a++) {
            if (sums[a - 1] > sums[best - 1]) {
                best = a;
            }
        }
        return best;
    }

    /**
     * Samples after {@code from} until the last {@value #WINDOW} samples (which may reach back before
     * the change) hold {@code best} at least {@value #SHARE_PERCENT}% of the time; the smallest possible
     * answer is 160, a policy that switched at once. -1 when that does not happen before {@code to}.
     */
    static int adaptation(int[] arms, int best, int from, int to) {
        int need = (WINDOW * SHARE_PERCENT + 99) / 100;
        int hits = 0;
        int first = Math.max(0, from - WINDOW);
        for (int s = first; s < to; s++) {
            hits += arms[s] == best ? 1 : 0;
            if (s - WINDOW >= first) {
                // only samples this loop counted leave the window (before issue 14's detector the loop also
                // subtracted the 200 samples before the window, so a policy already on the best arm never counted)
                hits -= arms[s - WINDOW] == best ? 1 : 0;
            }
            if (s >= from && hits >= need) {
                return s + 1 - from;
            }
        }
        return -1;
    }
}
