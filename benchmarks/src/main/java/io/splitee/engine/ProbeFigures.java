package io.splitee.engine;

import io.splitee.replay.Schedule;
import io.splitee.replay.ScheduledReplay;
import io.splitee.replay.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Where {@code splitee-s:side=learned}'s regret goes, per cell of the issue-14 regret grid (docs/results.md,
 * "Where side=learned's regret goes"): each trace shuffled and repeated to {@code --length} samples (default
 * 200,000), mean of the seeds, against the best fixed arm of the whole stream, for
 * <ul>
 *   <li>{@code splitee-s-paper} (the trace's C_L on every sample);</li>
 *   <li>the live policy ({@code --policy}, default {@code splitee-s:side=learned}): its regret, its probes
 *       (full-depth plays of arm L made instead of the arm it chose) and their cost: Σ over the probed samples
 *       of the chosen arm's reward minus arm L's, on that sample;</li>
 *   <li>the oracle: the same policy fed the trace's C_L on every sample (so no side reward is estimated) and
 *       making no probes: what its arm selection costs with a perfect C_L;</li>
 *   <li>the same policy making no probes with the device's own view (C_L only from natural plays of arm L).</li>
 * </ul>
 * In the engine's package to reach {@code UcbPolicy}'s probe fields; the replay is {@code Replay}'s (the plan
 * carried out by {@link PlanExecutor} against the trace row; C_L seen when offloaded or played at L).
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.engine.ProbeFigures --seeds 5
 * </pre>
 */
public final class ProbeFigures {

    private static final List<String> TRACES = List.of("clean", "noise-0.1", "noise-0.2", "blur-1", "contrast-0.5");
    private static final double[][] CELLS = {{0.1, 0.3, 0.8}, {0.05, 0.2, 0.7}, {0.01, 0.1, 0.8}, {0.02, 0.5, 0.9}};

    private ProbeFigures() {
    }

    /** Regret, probes, probes' cost of one replay. */
    static double[] run(Trace trace, double lambda, double o, double alpha, String spec, boolean oracle, boolean probes,
                        int length, long seed) {
        ScheduledReplay r = ScheduledReplay.of(Schedule.of(trace).repeatTo(length).shuffle(seed), lambda, o);
        Trace t = r.stream();
        EngineConfig config = new EngineConfig(t.exits(), alpha, r.costModel(), 1.0, 0);
        Policy p = Policies.parse(spec, config);
        UcbPolicy u = p instanceof UcbPolicy x ? x : null;
        if (u != null) {
            u.probing = probes;
        }
        int n = t.samples();
        int l = t.exits();
        double[] rewards = new double[n * l];
        double[] sums = new double[l];
        for (int s = 0; s < n; s++) {
            Outcome full = new Outcome(l, false, t.confidences(s));
            for (int a = 1; a <= l; a++) {
                rewards[s * l + a - 1] = full.reward(a, config).orElseThrow();
                sums[a - 1] += rewards[s * l + a - 1];
            }
        }
        int best = 1;
        for (int a = 2; a <= l; a++) {
            best = sums[a - 1] > sums[best - 1] ? a : best;
        }
        boolean trueFinal = oracle || p.characteristics().contains(Characteristic.NEEDS_FINAL_CONFIDENCE);
        double regret = 0;
        double probeCost = 0;
        long probed = 0;
        for (int s = 0; s < n; s++) {
            int sample = s;
            Observation ob = PlanExecutor.execute(p.choose(), config, e -> t.confidence(sample, e));
            double cl = t.confidence(s, l);
            Outcome seen = ob.offloads() ? ob.answered(cl)
                    : trueFinal && ob.arm() < l ? ob.with(l, cl).exited() : ob.exited();
            p.record(seen);
            int arm = seen.arm();
            if (u != null && u.probedFor != 0) {
                probed++;
                probeCost += rewards[s * l + u.probedFor - 1] - rewards[s * l + arm - 1];
            }
            regret += rewards[s * l + best - 1] - rewards[s * l + arm - 1];
        }
        return new double[] {regret, probed, probeCost};
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(option(args, "--traces", "models/fmnist-resnet12/traces"));
        int seeds = Integer.parseInt(option(args, "--seeds", "5"));
        int length = Integer.parseInt(option(args, "--length", "200000"));
        String spec = option(args, "--policy", "splitee-s:side=learned");
        ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(option(args, "--threads", "2")));
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "%s, mean of %d seeds, each trace repeated to %d samples%n%n", spec, seeds, length);
        System.out.println("| trace | λ, o, α | s-paper | live | probes | probes' cost | live − probes' cost | oracle C_L, no probes | no probes |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (String name : TRACES) {
            Trace trace = Trace.read(dir.resolve(name + ".csv.gz"));
            for (double[] c : CELLS) {
                Object[][] modes = {{"splitee-s-paper", false, true}, {spec, false, true}, {spec, true, false}, {spec, false, false}};
                List<List<Future<double[]>>> fs = new ArrayList<>();
                for (Object[] m : modes) {
                    List<Future<double[]>> f = new ArrayList<>();
                    for (int seed = 1; seed <= seeds; seed++) {
                        long sd = seed;
                        f.add(pool.submit(() -> run(trace, c[0], c[1], c[2], (String) m[0], (boolean) m[1], (boolean) m[2], length, sd)));
                    }
                    fs.add(f);
                }
                double[][] mean = new double[modes.length][3];
                for (int i = 0; i < modes.length; i++) {
                    for (Future<double[]> f : fs.get(i)) {
                        double[] v = f.get();
                        for (int k = 0; k < 3; k++) {
                            mean[i][k] += v[k] / seeds;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %s, %s, %s | %.0f | %.0f (×%.2f) | %.0f | %.0f | %.0f | %.0f | %.0f |%n", name, c[0], c[1],
                        c[2], mean[0][0], mean[1][0], mean[1][0] / mean[0][0], mean[1][1], mean[1][2],
                        mean[1][0] - mean[1][2], mean[2][0], mean[3][0]);
            }
        }
        pool.shutdown();
        System.err.printf(Locale.ROOT, "probes took %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static String option(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }
}
