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
 *   <li>{@code after}: the long run after a change: each paper-mode change scenario repeated to
 *       {@code --length} samples (default 100,000; the change at 10,000), and the policy's pseudo-regret after
 *       the change (Σ over samples from 10,000 of the piece's best arm's reward minus the played arm's, on the
 *       same sample) at 20k, 50k and the end, mean and worst of the seeds: whether a policy that explores less
 *       after an alarm ({@code refocus}) locks onto a wrong arm.</li>
 *   <li>{@code measured}: measured mode, per policy and pricing: regret on the stationary clean trace (20k samples,
 *       Wi-Fi, the device 10× and 1× the VM) against the policy without window, discount, detector or refocus, and
 *       the two measured change scenarios' worst strict and ε counts. Pricing {@code record}: rewards priced when
 *       recorded, as {@code simulate --pricing record} does (simulate's only way before issue 14); {@code choice}: the policy's cost model is the same prices marked as
 *       drifting ({@code CostModel.drifting}), as the daemon's measured costs are (and {@code simulate}'s default), so the index
 *       prices at choice time and a detector watches the confidence terms instead of the rewards.</li>
 *   <li>{@code arms}: the arm played per 100-sample bucket across a change (the chart's data), CSV.</li>
 *   <li>{@code chart}: the same as a PNG chart ({@code --out docs/arm-across-change.png}).</li>
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
            System.err.println("usage: DriftFigures regret|change|after|measured|arms|chart [--traces DIR] [--seeds N] [--policies P;P] "
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
            case "after" -> after(dir, seeds, threads, Integer.parseInt(option(args, "--length", "100000")),
                    List.of(option(args, "--policies", "splitee-s:side=learned,detect=ph").split(";")));
            case "measured" -> measured(dir, seeds, threads,
                    List.of(option(args, "--policies", "splitee-s:side=learned,detect=ph").split(";")));
            case "arms" -> arms(dir, option(args, "--policy", "splitee-s"));
            case "chart" -> chart(dir, Path.of(option(args, "--out", "docs/arm-across-change.png")),
                    List.of(option(args, "--policies", "splitee-s;splitee-s:side=learned,detect=ph").split(";")));
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

    /**
     * A measured-mode change scenario ({@code simulate --cost-profile ... --encoding fp16 --link wifi
     * --board-slowdown F --change KEY=V@10000}, priced at choice time as simulate's default): the daemon's cost
     * model built from the x86 VM's profile.
     */
    private record MeasuredScenario(String name, double slowdown, String key, String value) {
        ScheduledReplay.Adaptation run(Path dir, long seed, String policy) throws Exception {
            // priced at choice time, as simulate's default (--pricing choice) and the daemon
            return measuredRun(dir, seed, policy, slowdown, key, value, true).adaptations().get(0);
        }
    }

    private static final List<MeasuredScenario> MEASURED = List.of(
            new MeasuredScenario("link 20 Mbit/s, 5 ms → 2 Mbit/s, 50 ms (device 10× the VM)", 10, "link", "2000kbit:50ms"),
            new MeasuredScenario("device 4× slower (Wi-Fi)", 1, "board-slowdown", "4"));

    private static void change(Path dir, int seeds, int threads, List<String> policies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        System.out.printf(Locale.ROOT, "Samples after a change at 10,000 until the new best arm is played in 80%% of the "
                + "last 200 (shuffle seeds 1..%d; '-' = not before sample 20,000); λ = 0.01, α = 0.8. Strict: the best "
                + "arm only; ε: any arm within ε = %s of its mean reward (the near arms)%n%n", seeds,
                ScheduledReplay.EPSILON);
        System.out.println("| scenario | policy | new best arm | strict, per seed | worst | near arms | ε, per seed | worst "
                + "| stationary regret vs base |");
        System.out.println("|---|---|---:|---|---:|---|---|---:|---:|");
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
                double own = 0;
                double ofBase = 0;
                for (Future<double[]> f : stat) {
                    own += f.get()[0];
                    ofBase += f.get()[1];
                }
                row(sc.name, p, fs, base.equals(p) ? "(base)"
                        : String.format(Locale.ROOT, "%.0f / %.0f = %.2f", own, ofBase, own / ofBase));
            }
        }
        for (MeasuredScenario sc : MEASURED) {
            for (String p : policies) {
                List<Future<ScheduledReplay.Adaptation>> fs = new ArrayList<>();
                for (int seed = 1; seed <= seeds; seed++) {
                    long sd = seed;
                    fs.add(pool.submit(() -> sc.run(dir, sd, p)));
                }
                row(sc.name, p, fs, "");
            }
        }
        pool.shutdown();
    }

    private static void row(String scenario, String policy, List<Future<ScheduledReplay.Adaptation>> fs, String last)
            throws Exception {
        StringBuilder per = new StringBuilder();
        StringBuilder perNear = new StringBuilder();
        int worst = 0;
        int worstNear = 0;
        ScheduledReplay.Adaptation a = null;
        for (Future<ScheduledReplay.Adaptation> f : fs) {
            a = f.get();
            per.append(per.length() == 0 ? "" : ", ").append(a.samples() < 0 ? "-" : Integer.toString(a.samples()));
            perNear.append(perNear.length() == 0 ? "" : ", ")
                    .append(a.samplesNear() < 0 ? "-" : Integer.toString(a.samplesNear()));
            worst = a.samples() < 0 || worst < 0 ? -1 : Math.max(worst, a.samples());
            worstNear = a.samplesNear() < 0 || worstNear < 0 ? -1 : Math.max(worstNear, a.samplesNear());
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s |%n", scenario, policy.replace("|", "\\|"),
                a.bestArm(), per, worst < 0 ? "-" : Integer.toString(worst),
                a.nearArms().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")), perNear,
                worstNear < 0 ? "-" : Integer.toString(worstNear), last);
    }

    /**
     * The pseudo-regret after the change of each paper-mode scenario, at 20k, 50k and {@code length} samples: per
     * sample, the reward of the piece's best fixed arm minus the played arm's, both on that sample (the prices after
     * the change hold to the end).
     */
    private static void after(Path dir, int seeds, int threads, int length, List<String> policies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Integer> marks = java.util.stream.Stream.of(20_000, 50_000, length).filter(m -> m <= length).distinct().toList();
        System.out.printf(Locale.ROOT, "Regret after the change at 10,000 against the best arm of samples 10,000..%d "
                + "(shuffle seeds 1..%d): mean (worst)%n%n", length, seeds);
        StringBuilder head = new StringBuilder("| scenario | policy |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (int m : marks) {
            head.append(" 10k..").append(m / 1000).append("k |");
            rule.append("---:|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (Scenario sc : SCENARIOS) {
            for (String p : policies) {
                List<Future<double[]>> fs = new ArrayList<>();
                for (int seed = 1; seed <= seeds; seed++) {
                    long sd = seed;
                    fs.add(pool.submit(() -> {
                        Schedule s = sc.schedule(dir, sd, length);
                        ScheduledReplay r = ScheduledReplay.of(s, sc.lambda, sc.o);
                        EngineConfig config = new EngineConfig(r.stream().exits(), sc.alpha, r.costModel(), 1.0, 0);
                        int[] arms = r.run(Policies.parse(p, config), config, List.of()).arms();
                        return afterRegret(r.stream(), config, arms, marks);
                    }));
                }
                double[] mean = new double[marks.size()];
                double[] worst = new double[marks.size()];
                Arrays.fill(worst, Double.NEGATIVE_INFINITY);
                for (Future<double[]> f : fs) {
                    double[] v = f.get();
                    for (int k = 0; k < v.length; k++) {
                        mean[k] += v[k] / seeds;
                        worst[k] = Math.max(worst[k], v[k]);
                    }
                }
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s |", sc.name, p));
                for (int k = 0; k < marks.size(); k++) {
                    row.append(String.format(Locale.ROOT, " %.0f (%.0f) |", mean[k], worst[k]));
                }
                System.out.println(row);
            }
        }
        pool.shutdown();
    }

    /** The regret of {@code arms} over samples 10,000..m − 1 for each mark m, against the best arm of 10,000..end. */
    private static double[] afterRegret(Trace stream, EngineConfig config, int[] arms, List<Integer> marks) {
        int l = stream.exits();
        int n = arms.length;
        double[][] reward = new double[n][];
        double[] sums = new double[l];
        for (int s = 10_000; s < n; s++) {
            io.splitee.engine.Outcome full = new io.splitee.engine.Outcome(l, false, stream.confidences(s));
            reward[s] = new double[l];
            for (int a = 1; a <= l; a++) {
                reward[s][a - 1] = full.reward(a, config).orElseThrow();
                sums[a - 1] += reward[s][a - 1];
            }
        }
        int best = 0;
        for (int a = 1; a < l; a++) {
            best = sums[a] > sums[best] ? a : best;
        }
        double[] out = new double[marks.size()];
        double regret = 0;
        int k = 0;
        for (int s = 10_000; s < n && k < marks.size(); s++) {
            regret += reward[s][best] - reward[s][arms[s] - 1];
            while (k < marks.size() && s + 1 == marks.get(k)) {
                out[k++] = regret;
            }
        }
        return out;
    }

    /**
     * One measured-mode replay of the clean trace, 20k samples, Wi-Fi: the device {@code slowdown}× the VM, with a
     * change at 10,000 when {@code key} is not null; the policy priced at choice time when {@code choiceTime}.
     */
    private static io.splitee.replay.MeasuredReplay.Result measuredRun(Path dir, long seed, String policy, double slowdown,
            String key, String value, boolean choiceTime) throws Exception {
        Schedule s = Schedule.of(Trace.read(dir.resolve("clean.csv.gz"))).repeatTo(20_000).shuffle(seed);
        if (key != null) {
            s.changeMeasured(10_000, key, value);
        }
        io.splitee.replay.CostProfile profile = io.splitee.replay.CostProfile.read(
                dir.resolveSibling("profiles").resolve("x86-vm.json"));
        boolean everyExit = io.splitee.engine.PolicySpec.parse(policy).has(io.splitee.engine.Characteristic.EVALUATES_EVERY_EXIT);
        io.splitee.replay.MeasuredReplay r = io.splitee.replay.MeasuredReplay.withChanges(profile,
                io.splitee.linkproxy.LinkProfile.WIFI, slowdown, "fp16", io.splitee.device.cost.MeasuredCosts.PayloadRule.AUTO,
                0.1, 0.1, 0, everyExit, s.measuredChanges());
        Trace t = s.stream();
        double c = io.splitee.device.config.DeviceConfig.PolicyConfig.MEASURED_UCB_C;
        EngineConfig config = new EngineConfig(t.exits(), 0.8, r.costModel(), c, 0);
        EngineConfig own = choiceTime
                ? new EngineConfig(t.exits(), 0.8, io.splitee.engine.CostModel.drifting(r.costModel()), c, 0) : config;
        return r.run(t, Policies.parse(policy, own), config, List.of());
    }

    private static void measured(Path dir, int seeds, int threads, List<String> policies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        System.out.printf(Locale.ROOT, "Measured mode (x86 VM profile, fp16, Wi-Fi, c = %s), shuffle seeds 1..%d: "
                + "stationary regret over 20,000 samples (sum of the seeds) against the base policy; the change "
                + "scenarios' worst strict / ε count ('-': not by 20,000)%n%n",
                io.splitee.device.config.DeviceConfig.PolicyConfig.MEASURED_UCB_C, seeds);
        System.out.println("| policy | pricing | stationary, device 10× | stationary, device 1× | link drop (device 10×) "
                + "| device 4× slower |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (String p : policies) {
            String base = base(p);
            for (boolean choice : new boolean[] {false, true}) {
                List<Future<double[]>> fs = new ArrayList<>();
                for (int seed = 1; seed <= seeds; seed++) {
                    long sd = seed;
                    fs.add(pool.submit(() -> {
                        ScheduledReplay.Adaptation link = measuredRun(dir, sd, p, 10, "link", "2000kbit:50ms", choice)
                                .adaptations().get(0);
                        ScheduledReplay.Adaptation board = measuredRun(dir, sd, p, 1, "board-slowdown", "4", choice)
                                .adaptations().get(0);
                        return new double[] {
                            measuredRun(dir, sd, p, 10, null, null, choice).replay().regret(),
                            measuredRun(dir, sd, base, 10, null, null, choice).replay().regret(),
                            measuredRun(dir, sd, p, 1, null, null, choice).replay().regret(),
                            measuredRun(dir, sd, base, 1, null, null, choice).replay().regret(),
                            link.samples(), link.samplesNear(), board.samples(), board.samplesNear()};
                    }));
                }
                double[] sum = new double[4];
                int[] worst = new int[4];
                for (Future<double[]> f : fs) {
                    double[] v = f.get();
                    for (int k = 0; k < 4; k++) {
                        sum[k] += v[k];
                        int w = (int) v[4 + k];
                        worst[k] = w < 0 || worst[k] < 0 ? -1 : Math.max(worst[k], w);
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %.0f / %.0f = %.2f | %.0f / %.0f = %.2f | %s / %s | %s / %s |%n",
                        p, choice ? "choice" : "record", sum[0], sum[1], sum[0] / sum[1], sum[2], sum[3], sum[2] / sum[3],
                        count(worst[0]), count(worst[1]), count(worst[2]), count(worst[3]));
            }
        }
        pool.shutdown();
    }

    private static String count(int samples) {
        return samples < 0 ? "-" : Integer.toString(samples);
    }

    /** The spec without its discount or window. */
    private static String base(String spec) {
        io.splitee.engine.PolicySpec s = io.splitee.engine.PolicySpec.parse(spec);
        return new io.splitee.engine.PolicySpec(s.kind(), s.fixedArm(), 0, 0, s.authorsInit(), s.learnedSide()).toString();
    }

    /**
     * The PNG chart of the arm played across the first scenario's change (o 0.1 → 0.6 at 10,000, clean,
     * shuffle seed 1), samples 8,000..13,999: each policy's most played arm per 50 samples (markers for
     * every sample would make a 1.3 MB file).
     */
    private static void chart(Path dir, Path out, List<String> policies) throws Exception {
        Scenario sc = SCENARIOS.get(0);
        List<ArmChart.Played> plays = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            ScheduledReplay.Result r = run(sc.schedule(dir, 1, 20_000), policies.get(i), sc.lambda, sc.o, sc.alpha, List.of());
            plays.add(new ArmChart.Played(policies.get(i), r.arms(), false));
        }
        ArmChart.write(out, "Arm played across a change: offload cost 0.1 → 0.6 at sample 10,000 (clean, λ = 0.01, "
                + "α = 0.8, seed 1)", plays, 8_000, 14_000, 10_000, 12);
        System.out.println("wrote " + out);
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
