package io.splitee.bench;

import io.splitee.engine.EngineConfig;
import io.splitee.engine.Policies;
import io.splitee.replay.Schedule;
import io.splitee.replay.ScheduledReplay;
import io.splitee.replay.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The figures of issue 14, as Markdown tables for {@code docs/results.md}, computed with the device
 * runtime's own replay ({@link Schedule}, {@link ScheduledReplay}: what {@code splitee-device simulate
 * --repeat-to N --shuffle-seed S --change ...} runs, in-process to save the JVM starts).
 *
 * <ul>
 *   <li>{@code regret}: cumulative regret at n = 1k, 5k, 10k, 50k, 200k (each trace shuffled and
 *       repeated to 200k samples, mean of the seeds) for every trace × (λ, o, α) cell × policy, with
 *       the 200k/50k ratio (target ≤ 2.5) and each policy's 200k regret relative to the reference
 *       policy ({@code splitee-s-paper}; target for live splitee-s ≤ 1.15).</li>
 *   <li>{@code change}: samples until the policy plays the new best arm in 80% of the last 200 after a
 *       change at sample 10,000 (offload cost 0.1 → 0.6; clean → noise-0.2), per seed; and each policy's
 *       regret on the stationary clean trace over 20k samples relative to its non-drifting base.</li>
 *   <li>{@code arms}: the arm played per 100-sample bucket across a change (the chart's data), CSV.</li>
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.DriftFigures regret \
 *      --traces models/fmnist-resnet12/traces --seeds 5 --policies splitee,splitee-s-paper,splitee-s,splitee-s:side=learned
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.DriftFigures change \
 *      --traces models/fmnist-resnet12/traces --seeds 5 --policies splitee-s,splitee-s:side=learned,splitee-s:side=learned,window=500
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.DriftFigures arms --policy splitee-s:window=500
 * </pre>
 */
public final class DriftFigures {

    private static final List<String> TRACES = List.of("clean", "noise-0.1", "noise-0.2", "blur-1", "contrast-0.5");
    private static final double[][] CELLS = {{0.1, 0.3, 0.8}, {0.05, 0.2, 0.7}, {0.01, 0.1, 0.8}, {0.02, 0.5, 0.9}};
    private static final List<Integer> CHECKPOINTS = List.of(1000, 5000, 10000, 50000, 200000);

    private DriftFigures() {
    }

    /**
     * Runs one figure.
     *
     * @param args {@code regret|change|arms} and options: {@code --traces DIR}, {@code --seeds N},
     *             {@code --policies P;P;...} (semicolon-separated: specs may contain commas), {@code --length N},
     *             {@code --threads N}, {@code --policy P} (arms)
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: DriftFigures regret|change|arms [--traces DIR] [--seeds N] [--policies P;P] "
                    + "[--length N] [--threads N] [--policy P]");
            System.exit(2);
        }
        Path dir = Path.of(option(args, "--traces", "models/fmnist-resnet12/traces"));
        int seeds = Integer.parseInt(option(args, "--seeds", "5"));
        int threads = Integer.parseInt(option(args, "--threads", "2"));
        long start = System.nanoTime();
        switch (args[0]) {
            case "regret" -> regret(dir, seeds, threads, Integer.parseInt(option(args, "--length", "200000")),
                    List.of(option(args, "--policies", "splitee;splitee-s-paper;splitee-s;splitee-s:side=learned").split(";")));
            case "change" -> change(dir, seeds, threads,
                    List.of(option(args, "--policies", "splitee;splitee-s;splitee-s:side=learned").split(";")));
            case "arms" -> arms(dir, option(args, "--policy", "splitee-s"));
            default -> {
                System.err.println("unknown figure " + args[0]);
                System.exit(2);
            }
        }
        System.err.printf(Locale.ROOT, "%s took %.1f s%n", args[0], (System.nanoTime() - start) / 1e9);
    }

    private static String option(String[] args, String name, String dflt) {
        for (int i = 1; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    /** One replay: mean over seeds is taken by the caller. */
    private static ScheduledReplay.Result run(Schedule s, String policy, double lambda, double o, double alpha,
                                              List<Integer> checkpoints) {
        ScheduledReplay r = ScheduledReplay.of(s, lambda, o);
        EngineConfig config = new EngineConfig(r.stream().exits(), alpha, r.costModel(), 1.0, 0);
        return r.run(Policies.parse(policy, config), config, checkpoints);
    }

    private static void regret(Path dir, int seeds, int threads, int length, List<String> policies) throws Exception {
        List<Integer> marks = CHECKPOINTS.stream().filter(c -> c <= length).toList();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        System.out.printf(Locale.ROOT, "Regret, mean of %d seeds (shuffle seeds 1..%d), each trace repeated to %d samples%n%n",
                seeds, seeds, length);
        StringBuilder head = new StringBuilder("| trace | λ, o, α | policy |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (int m : marks) {
            head.append(' ').append(m >= 1000 ? m / 1000 + "k" : m).append(" |");
            rule.append("---:|");
        }
        head.append(" last/50k | vs ").append(policies.get(Math.min(1, policies.size() - 1))).append(" |");
        rule.append("---:|---:|");
        System.out.println(head);
        System.out.println(rule);
        int sublinear = 0;
        int cells = 0;
        List<String> within = new ArrayList<>();
        for (String name : TRACES) {
            Trace t = Trace.read(dir.resolve(name + ".csv.gz"));
            for (double[] c : CELLS) {
                List<List<Future<double[]>>> futures = new ArrayList<>();
                for (String p : policies) {
                    List<Future<double[]>> fs = new ArrayList<>();
                    for (int seed = 1; seed <= seeds; seed++) {
                        long sd = seed;
                        fs.add(pool.submit(() -> {
                            Schedule s = Schedule.of(t).repeatTo(length).shuffle(sd);
                            ScheduledReplay.Result r = run(s, p, c[0], c[1], c[2], marks);
                            return marks.stream().mapToDouble(m -> r.replay().cumulativeRegret().get(m)).toArray();
                        }));
                    }
                    futures.add(fs);
                }
                double[][] mean = new double[policies.size()][marks.size()];
                for (int i = 0; i < policies.size(); i++) {
                    for (Future<double[]> f : futures.get(i)) {
                        double[] v = f.get();
                        for (int k = 0; k < v.length; k++) {
                            mean[i][k] += v[k] / seeds;
                        }
                    }
                }
                int ref = Math.min(1, policies.size() - 1);
                for (int i = 0; i < policies.size(); i++) {
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s, %s, %s | %s |", name,
                            c[0], c[1], c[2], policies.get(i).replace("|", "\\|")));
                    for (double v : mean[i]) {
                        row.append(String.format(Locale.ROOT, " %.0f |", v));
                    }
                    int last = marks.size() - 1;
                    int at50 = marks.indexOf(50000);
                    double ratio = at50 >= 0 && at50 < last ? mean[i][last] / mean[i][at50] : Double.NaN;
                    double vs = mean[i][last] / mean[ref][last];
                    row.append(String.format(Locale.ROOT, " %.2f | %.2f |", ratio, vs));
                    System.out.println(row);
                    cells++;
                    if (!(ratio > 2.5) || mean[i][last] < 50) {
                        sublinear++;
                    }
                    if (i != ref && policies.get(i).startsWith("splitee-s")) {
                        within.add(policies.get(i) + (vs <= 1.15 || mean[i][last] - mean[ref][last] < 20 ? " ok" : " MISS")
                                + " " + name + " " + Arrays.toString(c));
                    }
                }
            }
        }
        pool.shutdown();
        System.out.printf(Locale.ROOT, "%nsublinear (200k ≤ 2.5 × 50k, or under 50 at 200k): %d of %d rows%n", sublinear, cells);
        for (String p : policies) {
            long ok = within.stream().filter(w -> w.startsWith(p + " ok")).count();
            long all = within.stream().filter(w -> w.startsWith(p + " ")).count();
            if (all > 0) {
                System.out.printf(Locale.ROOT, "%s within 15%% (or 20) of the reference at the last checkpoint: %d of %d cells%n",
                        p, ok, all);
            }
        }
        within.stream().filter(w -> w.contains("MISS")).forEach(w -> System.out.println("  " + w));
    }

    /** A change scenario: a schedule over (trace, λ, o, α) with a change at sample 10,000. */
    private record Scenario(String name, String before, String after, double lambda, double o, double oAfter, double alpha) {
        Schedule schedule(Path dir, long seed, int length) throws Exception {
            Schedule s = Schedule.of(Trace.read(dir.resolve(before + ".csv.gz")));
            if (!after.equals(before)) {
                s.then(Trace.read(dir.resolve(after + ".csv.gz")), 10_000);
            }
            if (oAfter != o) {
                s.change(10_000, "offload-cost", oAfter);
            }
            return s.repeatTo(length).shuffle(seed);
        }
    }

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("offload cost 0.1 → 0.6 (clean)", "clean", "clean", 0.01, 0.1, 0.6, 0.8),
            new Scenario("clean → noise-0.2 (o = 0.3)", "clean", "noise-0.2", 0.01, 0.3, 0.3, 0.8),
            new Scenario("clean → noise-0.2 (o = 0.1)", "clean", "noise-0.2", 0.01, 0.1, 0.1, 0.8));

    private static void change(Path dir, int seeds, int threads, List<String> policies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        System.out.printf(Locale.ROOT, "Samples after a change at 10,000 until the new best arm is played in 80%% of the "
                + "last 200 (shuffle seeds 1..%d; '-' = not before sample 20,000); λ = 0.01, α = 0.8%n%n", seeds);
        System.out.println("| scenario | policy | new best arm | samples per seed | worst | stationary regret vs base |");
        System.out.println("|---|---|---:|---|---:|---:|");
        Trace clean = Trace.read(dir.resolve("clean.csv.gz"));
        for (Scenario sc : SCENARIOS) {
            for (String p : policies) {
                List<Future<ScheduledReplay.Adaptation>> fs = new ArrayList<>();
                List<Future<double[]>> stat = new ArrayList<>();
                String base = base(p);
                for (int seed = 1; seed <= seeds; seed++) {
                    long sd = seed;
                    fs.add(pool.submit(() -> run(sc.schedule(dir, sd, 20_000), p, sc.lambda, sc.o, sc.alpha, List.of())
                            .adaptations().get(0)));
                    stat.add(pool.submit(() -> new double[] {
                        run(Schedule.of(clean).repeatTo(20_000).shuffle(sd), p, sc.lambda, sc.o, sc.alpha, List.of()).replay().regret(),
                        run(Schedule.of(clean).repeatTo(20_000).shuffle(sd), base, sc.lambda, sc.o, sc.alpha, List.of()).replay().regret()}));
                }
                StringBuilder per = new StringBuilder();
                int worst = 0;
                int best = 0;
                for (Future<ScheduledReplay.Adaptation> f : fs) {
                    ScheduledReplay.Adaptation a = f.get();
                    best = a.bestArm();
                    per.append(per.length() == 0 ? "" : ", ").append(a.samples() < 0 ? "-" : Integer.toString(a.samples()));
                    worst = a.samples() < 0 || worst < 0 ? -1 : Math.max(worst, a.samples());
                }
                double own = 0;
                double ofBase = 0;
                for (Future<double[]> f : stat) {
                    own += f.get()[0];
                    ofBase += f.get()[1];
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n", sc.name, p.replace("|", "\\|"), best, per,
                        worst < 0 ? "-" : Integer.toString(worst),
                        base.equals(p) ? "(base)" : String.format(Locale.ROOT, "%.0f / %.0f = %.2f", own, ofBase, own / ofBase));
            }
        }
        pool.shutdown();
    }

    /** The spec without its discount or window. */
    private static String base(String spec) {
        io.splitee.engine.PolicySpec s = io.splitee.engine.PolicySpec.parse(spec);
        return new io.splitee.engine.PolicySpec(s.kind(), s.fixedArm(), 0, 0, s.authorsInit(), s.learnedSide()).toString();
    }

    /** The arm played in each 100-sample bucket (the most played) across the first scenario's change, seed 1: CSV. */
    private static void arms(Path dir, String policy) throws Exception {
        Scenario sc = SCENARIOS.get(0);
        ScheduledReplay.Result r = run(sc.schedule(dir, 1, 20_000), policy, sc.lambda, sc.o, sc.alpha, List.of());
        System.out.println("sample,arm_most_played,share," + policy.replace(',', ';'));
        int[] arms = r.arms();
        for (int from = 0; from < arms.length; from += 100) {
            int[] counts = new int[64];
            for (int s = from; s < Math.min(arms.length, from + 100); s++) {
                counts[arms[s]]++;
            }
            int top = 0;
            for (int a = 1; a < counts.length; a++) {
                top = counts[a] > counts[top] ? a : top;
            }
            System.out.printf(Locale.ROOT, "%d,%d,%.2f%n", from, top, counts[top] / 100.0);
        }
    }
}
