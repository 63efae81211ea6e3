package io.splitee.demo.report;

import io.splitee.engine.Characteristic;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Outcome;
import io.splitee.engine.Policies;
import io.splitee.engine.PolicySpec;
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
 *
 * <p>When the run's policy leaves at the first confident exit ({@code leave=first}: arm a evaluates exits 1..a and
 * leaves at the first with C_i ≥ α), its arms are the cascade arms: the best fixed arm, and the regret, are those of
 * the best cascade arm, priced with every exit head on the way ({@link Pricing#everyExit()}); the plain best fixed
 * arm stays in the comparison as its own row.
 */
final class Baselines {
    private final Trace trace;
    private final int[] rows;
    private final Settings settings;
    private final EngineConfig config;
    private final EngineConfig cascadeConfig;
    private final int arms;
    private final boolean cascade;
    private final int bestFixedArm;
    private final int bestPlainArm;

    private Baselines(Trace trace, int[] rows, Settings settings, boolean cascade) {
        this.trace = trace;
        this.rows = rows;
        this.settings = settings;
        this.arms = trace.exits();
        this.cascade = cascade;
        this.config = settings.engine(arms);
        this.cascadeConfig = settings.engine(arms, true);
        this.bestPlainArm = best(0, false);
        this.bestFixedArm = cascade ? best(0, true) : bestPlainArm;
    }

    private int best(int from, boolean leaveFirst) {
        double[] sums = new double[arms + 1];
        for (int i = Math.max(0, from); i < rows.length; i++) {
            for (int a = 1; a <= arms; a++) {
                sums[a] += leaveFirst ? cascadeReward(rows[i], a) : fullInformationReward(rows[i], a);
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

    /**
     * Baselines over the given trace rows.
     *
     * @param trace the whole trace (one row per shipped sample)
     * @param rows  0-based rows, in the order the samples were played (repeats allowed)
     * @throws IllegalArgumentException if a row is outside the trace or there is none
     */
    public static Baselines of(Trace trace, int[] rows, Settings settings) {
        return of(trace, rows, settings, false);
    }

    /**
     * Baselines over the given trace rows, for a run whose arms leave at the first confident exit ({@code cascade})
     * or at their split exit.
     */
    public static Baselines of(Trace trace, int[] rows, Settings settings, boolean cascade) {
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
        return new Baselines(trace, rows.clone(), settings, cascade);
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

    /** The best fixed arm in hindsight over these samples (a cascade arm when the run's arms are). */
    public int bestFixedArm() {
        return bestFixedArm;
    }

    /** Whether the run's arms leave at the first confident exit ({@code leave=first}). */
    public boolean cascade() {
        return cascade;
    }

    /** The best fixed arm in hindsight over the samples from 0-based index {@code from} on (all: 0). */
    public int bestFixedArm(int from) {
        return best(from, cascade);
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
        return reward(row, arm, offloaded, false);
    }

    /**
     * {@link #reward(int, int, boolean)} priced for a policy that evaluated every exit head on the way
     * ({@code everyExit}: early exit, {@code leave=first}) or not.
     */
    public double reward(int row, int arm, boolean offloaded, boolean everyExit) {
        if (offloaded && arm < arms) {
            return trace.confidence(row, arms) - settings.cost(arm, true, everyExit);
        }
        return trace.confidence(row, Math.max(1, Math.min(arm, arms))) - settings.cost(arm, false, everyExit);
    }

    /** The best fixed arm's reward on a trace row. */
    public double bestReward(int row) {
        return cascade ? cascadeReward(row, bestFixedArm) : fullInformationReward(row, bestFixedArm);
    }

    private double fullInformationReward(int row, int arm) {
        return new Outcome(arms, false, trace.confidences(row)).reward(arm, config).orElseThrow();
    }

    private double cascadeReward(int row, int arm) {
        return new Outcome(arms, false, trace.confidences(row)).cascadeReward(arm, cascadeConfig).orElseThrow();
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
        boolean every = PolicySpec.parse(spec).has(Characteristic.EVALUATES_EVERY_EXIT);
        EngineConfig cfg = with.engine(arms, every);
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
                    settings.cost(arm, off, every), reward(row, arm, off, every), bestReward(row),
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
        out.add(replay("fixed:" + bestPlainArm, "best fixed (" + bestPlainArm + ")", "fixed:" + bestPlainArm
                + ", the arm with the largest total reward on these samples in hindsight"));
        if (cascade) {
            if (!"splitee-s:leave=first".equals(skip)) {
                out.add(replay("splitee-s:leave=first", "splitee-s, leave at first exit (replay)",
                        "SplitEE-S whose arm a leaves at the first exit 1..a with C ≥ " + a + " (leave=first), replayed"));
            }
            out.add(fixedLeavingFirst(bestFixedArm, "best fixed, leave at first exit (" + bestFixedArm + ")",
                    "exits 1.." + bestFixedArm + " on the device, stop at the first with C ≥ " + a + ", else "
                            + (bestFixedArm < l ? "offloaded after block " + bestFixedArm : "answered at the final exit")
                            + ": the cascade arm with the largest total reward on these samples in hindsight"));
        }
        return out;
    }

    /**
     * Cascade arm {@code arm} on every sample: exits 1..arm evaluated in order, the sample leaves at the first with
     * C ≥ α, else it is offloaded after block {@code arm} (answered at arm L when {@code arm} is L); priced with
     * every exit head on the way.
     */
    PolicyRun fixedLeavingFirst(int arm, String name, String description) {
        List<Step> steps = new ArrayList<>(rows.length);
        Outcome probe;
        for (int row : rows) {
            probe = new Outcome(arms, false, trace.confidences(row));
            int exit = 1;
            while (exit < arm && !cascadeConfig.confident(probe.confidence(exit))) {
                exit++;
            }
            boolean off = cascadeConfig.offloads(exit, probe.confidence(exit));
            int answeredAt = off ? arms : exit;
            steps.add(new Step(row, Integer.toString(row), exit, off, answeredAt, trace.prediction(row, answeredAt),
                    label(row), settings.cost(exit, off, true), reward(row, exit, off, true), bestReward(row),
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN));
        }
        return new PolicyRun(name, description, arms, fullCost(), steps, 0, settings.pricing().unit());
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
