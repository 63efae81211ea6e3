package io.splitee.demo.report;

import io.splitee.engine.EngineConfig;
import io.splitee.engine.Outcome;
import io.splitee.engine.Policies;
import io.splitee.replay.Replay;
import io.splitee.replay.ReplayResult;
import io.splitee.replay.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Policies replayed with the engine's {@link Replay} on the trace rows of a given sequence of samples
 * (the samples a run played, in its order), and the rewards that regret is measured with.
 *
 * <p>Rewards follow the paper: a sample answered at exit {@code arm} on the device earns
 * {@code C_arm − λ·arm}; one offloaded after block {@code arm} earns {@code C_L − λ·arm − o}. The best
 * fixed arm is the arm with the largest summed reward over these samples in hindsight (the smallest on
 * ties), exactly as {@link Replay} finds it.
 */
final class Baselines {
    private final Trace trace;
    private final int[] rows;
    private final Settings settings;
    private final EngineConfig config;
    private final int arms;
    private final int bestFixedArm;

    private Baselines(Trace trace, int[] rows, Settings settings) {
        this.trace = trace;
        this.rows = rows;
        this.settings = settings;
        this.arms = trace.exits();
        this.config = settings.engine(arms);
        double[] sums = new double[arms + 1];
        for (int r : rows) {
            for (int a = 1; a <= arms; a++) {
                sums[a] += fullInformationReward(r, a);
            }
        }
        int best = 1;
        for (int a = 2; a <= arms; a++) {
            if (sums[a] > sums[best]) {
                best = a;
            }
        }
        this.bestFixedArm = best;
    }

    /**
     * Baselines over the given trace rows.
     *
     * @param trace the whole trace (one row per shipped sample)
     * @param rows  0-based rows, in the order the samples were played (repeats allowed)
     * @throws IllegalArgumentException if a row is outside the trace or there is none
     */
    public static Baselines of(Trace trace, int[] rows, Settings settings) {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(settings, "settings");
        if (rows.length == 0) {
            throw new IllegalArgumentException("rows: at least one sample is needed");
        }
        for (int r : rows) {
            if (r < 0 || r >= trace.samples()) {
                throw new IllegalArgumentException("row " + r + " is outside the trace " + trace.name() + " (0.."
                        + (trace.samples() - 1) + ")");
            }
        }
        return new Baselines(trace, rows.clone(), settings);
    }

    /** The number of arms L. */
    public int arms() {
        return arms;
    }

    /** The trace name. */
    public String traceName() {
        return trace.name();
    }

    /** Samples replayed. */
    public int samples() {
        return rows.length;
    }

    /** The best fixed arm in hindsight over these samples. */
    public int bestFixedArm() {
        return bestFixedArm;
    }

    /** The best fixed arm in hindsight over the samples from 0-based index {@code from} on (all: 0). */
    public int bestFixedArm(int from) {
        double[] sums = new double[arms + 1];
        for (int i = Math.max(0, from); i < rows.length; i++) {
            for (int a = 1; a <= arms; a++) {
                sums[a] += fullInformationReward(rows[i], a);
            }
        }
        int best = 1;
        for (int a = 2; a <= arms; a++) {
            if (sums[a] > sums[best]) {
                best = a;
            }
        }
        return best;
    }

    /** Whether the trace has labels. */
    public boolean labelled() {
        return trace.hasLabels();
    }

    /** The label of a trace row, or -1 without labels. */
    public int label(int row) {
        return trace.hasLabels() ? trace.label(row) : -1;
    }

    /** The paper cost of one sample at the final exit on the device, λ·L. */
    public double fullCost() {
        return config.costModel().cost(arms, false);
    }

    /** The reward of what was done on a trace row: answered at {@code arm}, or offloaded after it. */
    public double reward(int row, int arm, boolean offloaded) {
        if (offloaded && arm < arms) {
            return trace.confidence(row, arms) - settings.cost(arm, true);
        }
        return trace.confidence(row, Math.max(1, Math.min(arm, arms))) - settings.cost(arm, false);
    }

    /** The best fixed arm's reward on a trace row. */
    public double bestReward(int row) {
        return fullInformationReward(row, bestFixedArm);
    }

    private double fullInformationReward(int row, int arm) {
        return new Outcome(arms, false, trace.confidences(row)).reward(arm, config).orElseThrow();
    }

    /**
     * Replays a policy with the report's settings.
     *
     * @param spec        an engine policy spec
     * @param name        its name in the report
     * @param description how it was obtained
     */
    public PolicyRun replay(String spec, String name, String description) {
        return replay(spec, name, description, settings);
    }

    /** Replays a policy with other settings (e.g. another threshold); rewards and regret keep the report's. */
    public PolicyRun replay(String spec, String name, String description, Settings with) {
        Trace sub = subTrace();
        EngineConfig cfg = with.engine(arms);
        List<Outcome> outcomes = new ArrayList<>(rows.length);
        ReplayResult result = Replay.run(sub, Policies.parse(spec, cfg), cfg, List.of(),
                (sample, arm, offloaded, seen) -> outcomes.add(seen));
        List<Step> steps = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            Outcome o = outcomes.get(i);
            int row = rows[i];
            int arm = o.arm();
            boolean off = o.offloaded();
            int exit = off ? arms : arm;
            steps.add(new Step(row, Integer.toString(row), arm, off, exit, trace.prediction(row, exit), label(row),
                    settings.cost(arm, off), reward(row, arm, off), bestReward(row),
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN));
        }
        PolicyRun run = new PolicyRun(name, description, arms, fullCost(), steps, 0, settings.pricing().unit());
        if (run.offloaded() != result.offloaded() || Math.abs(run.cost() - result.cost()) > 1e-6 * Math.max(1, result.cost())) {
            throw new IllegalStateException("replay of " + spec + " disagrees with the engine's Replay: offloaded "
                    + run.offloaded() + " vs " + result.offloaded() + ", cost " + run.cost() + " vs " + result.cost());
        }
        return run;
    }

    /**
     * The standard comparison: SplitEE, SplitEE-S and the published SplitEE-S replayed, the final exit, everything offloaded after
     * block 1, the on-device early exit, random, and the best fixed arm in hindsight.
     *
     * @param skip a policy spec already shown (e.g. the one a trace report replays as the main run), or null
     */
    public List<PolicyRun> standard(String skip) {
        int l = arms;
        double a = settings.threshold();
        List<PolicyRun> out = new ArrayList<>();
        if (!"splitee".equals(skip)) {
            out.add(replay("splitee", "splitee (replay)",
                    "SplitEE (UCB over split points, offload when C_arm < α) replayed on the trace's confidences"));
        }
        if (!"splitee-s".equals(skip)) {
            out.add(replay("splitee-s", "splitee-s (replay)",
                    "SplitEE-S (SplitEE crediting every lower exit the device evaluated) replayed"));
        }
        if (!"splitee-s-paper".equals(skip)) {
            out.add(replay("splitee-s-paper", "splitee-s-paper (replay)",
                    "the published SplitEE-S: SplitEE's start, every lower exit credited with the trace's true C_L "
                            + "(a device does not know C_L after an early exit)"));
        }
        out.add(replay("final", "final exit", "all " + l + " blocks on the device, answer from the final exit (fixed:" + l + ")"));
        out.add(replay("fixed:1", "offload all @1", "block 1 on the device, then offloaded: fixed:1 replayed with α = 1, "
                + "so every sample whose exit-1 confidence is below 1 goes to the gateway (cost λ + o each)",
                settings.withThreshold(1.0)));
        out.add(offloadRaw());
        out.add(replay("early-exit", "early exit (device)", "exits 1.." + l + " on the device, stop at the first with C ≥ "
                + a + "; never offloads"));
        out.add(replay("random", "random", "a uniformly random split point per sample (seed " + settings.seed()
                + "), offload when C_arm < α"));
        out.add(replay("fixed:" + bestFixedArm, "best fixed (" + bestFixedArm + ")", "fixed:" + bestFixedArm
                + ", the arm with the largest total reward on these samples in hindsight"));
        return out;
    }

    /**
     * Every sample sent to the gateway as it came (arm 0: nothing computed on the device, the answer from the
     * final exit), priced as an offload of the raw sample.
     */
    PolicyRun offloadRaw() {
        List<Step> steps = new ArrayList<>(rows.length);
        for (int row : rows) {
            steps.add(new Step(row, Integer.toString(row), 0, true, arms, trace.prediction(row, arms), label(row),
                    settings.cost(0, true), reward(row, 0, true), bestReward(row),
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN));
        }
        return new PolicyRun("offload all raw", "every sample sent to the gateway as it came (arm 0), answered at the "
                + "final exit there", arms, fullCost(), steps, 0, settings.pricing().unit());
    }

    private Trace subTrace() {
        double[][] conf = new double[rows.length][];
        int[][] pred = new int[rows.length][arms];
        int[] labels = trace.hasLabels() ? new int[rows.length] : null;
        for (int i = 0; i < rows.length; i++) {
            conf[i] = trace.confidences(rows[i]);
            for (int e = 1; e <= arms; e++) {
                pred[i][e - 1] = trace.prediction(rows[i], e);
            }
            if (labels != null) {
                labels[i] = trace.label(rows[i]);
            }
        }
        return Trace.of(trace.name(), conf, pred, labels);
    }
}
