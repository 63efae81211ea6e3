package io.splitee.bench;

import io.splitee.device.cost.MeasuredCosts.PayloadRule;
import io.splitee.engine.Characteristic;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Outcome;
import io.splitee.engine.Plan;
import io.splitee.engine.Policies;
import io.splitee.engine.Policy;
import io.splitee.engine.PolicyState;
import io.splitee.linkproxy.LinkProfile;
import io.splitee.replay.CostProfile;
import io.splitee.replay.MeasuredReplay;
import io.splitee.replay.ProfileException;
import io.splitee.replay.ReplayResult;
import io.splitee.replay.Trace;
import io.splitee.replay.TraceException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Harness: where offloading pays with this model (issue 15). For each board factor F and link, on one trace
 * replayed with measured costs ({@link MeasuredReplay}: the daemon's cost model preloaded from a cost profile,
 * as {@code simulate --cost-profile ... --board-slowdown F --link ... --encoding fp16 --payload auto} prices),
 * the mean cost per sample (cost = weight × (device ms + link ms + gateway ms)) and the accuracy of fixed,
 * non-learning choices:
 *
 * <ul>
 *   <li>final exit on the device ({@code final});</li>
 *   <li>early exit on the device ({@code early-exit}: exits 1..L, the first with C ≥ α answers, never offloads;
 *       charged for every exit head it evaluates);</li>
 *   <li>every raw sample offloaded (arm 0: nothing on the device, the gateway answers at the final exit);</li>
 *   <li>the best fixed plain arm ({@code fixed:a}, a = 1..L, payload auto; arm a evaluates exit a only and
 *       offloads when C_a &lt; α), best = the largest summed reward in hindsight, as {@code Replay} finds it;</li>
 *   <li>the best fixed cascade arm (a = 1..L: exits 1..a evaluated in order, the sample leaves at the first with
 *       C ≥ α, offloaded after block a when none is, as the engine's {@code leave=first} arms and the demo's
 *       "best fixed, leave at first exit (a)" row; charged for every exit head on the way), best = the largest
 *       summed {@link Outcome#cascadeReward} in hindsight. The engine has no fixed cascade policy, so
 *       {@link FixedCascade} plays {@link Plan#stopAtFirstConfidentExit(int)} through the replay: cascade arm L is
 *       the early exit, which the harness checks.</li>
 * </ul>
 *
 * <p>The ratios compare each best arm's mean cost with the early exit's; "cheapest split" is the cheapest of
 * every choice that can offload (plain and cascade arms 1..L−1, all raw), whatever its reward.
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.PayoffFigures [--trace clean] \
 *     [--traces models/fmnist-resnet12/traces] [--profile models/fmnist-resnet12/profiles/x86-vm.json] \
 *     [--encoding fp16] [--threshold 0.8] [--weight 0.1] [--factors 1,2,4.45,8,12.9,20,30] [--links none,wifi,lte]
 * </pre>
 */
public final class PayoffFigures {

    static final double[] FACTORS = {1, 2, 4.45, 8, 12.9, 20, 30};
    static final List<LinkProfile> LINKS = List.of(LinkProfile.NONE, LinkProfile.WIFI, LinkProfile.LTE);

    private PayoffFigures() {
    }

    /**
     * A choice's figures over the trace.
     *
     * @param arm      the arm (0 for the rows that are not an arm)
     * @param cost     mean cost per sample, reward units
     * @param accuracy fraction of answers matching the label
     * @param offloads fraction of samples offloaded
     */
    record Figure(int arm, double cost, double accuracy, double offloads) {
    }

    /**
     * One (factor, link) cell.
     *
     * @param cheapestSplit the cheapest choice that can offload, named in {@code cheapestName}
     */
    record Cell(double factor, LinkProfile link, Figure finalExit, Figure earlyExit, Figure raw, Figure bestPlain,
                Figure bestCascade, Figure cheapestSplit, String cheapestName) {
        double plainRatio() {
            return bestPlain.cost() / earlyExit.cost();
        }

        double cascadeRatio() {
            return bestCascade.cost() / earlyExit.cost();
        }

        double cheapestRatio() {
            return cheapestSplit.cost() / earlyExit.cost();
        }
    }

    /**
     * Prints the Markdown table.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws TraceException, ProfileException {
        String traceArg = "clean";
        Path traces = Path.of("models/fmnist-resnet12/traces");
        Path profilePath = Path.of("models/fmnist-resnet12/profiles/x86-vm.json");
        String encoding = "fp16";
        double threshold = 0.8;
        double weight = 0.1;
        double[] factors = FACTORS;
        List<LinkProfile> links = LINKS;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--trace" -> traceArg = v;
                case "--traces" -> traces = Path.of(v);
                case "--profile" -> profilePath = Path.of(v);
                case "--encoding" -> encoding = v;
                case "--threshold" -> threshold = Double.parseDouble(v);
                case "--weight" -> weight = Double.parseDouble(v);
                case "--factors" -> factors = PayloadFigures.doubles(v);
                case "--links" -> {
                    List<LinkProfile> ls = new ArrayList<>();
                    for (String s : v.split(",")) {
                        ls.add(LinkProfile.parse(s));
                    }
                    links = ls;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long start = System.nanoTime();
        Path tracePath = traceArg.endsWith(".csv.gz") ? Path.of(traceArg) : traces.resolve(traceArg + ".csv.gz");
        Trace trace = Trace.read(tracePath);
        CostProfile profile = CostProfile.read(profilePath);
        System.out.printf(Locale.ROOT, "trace %s (%d samples), profile %s, encoding %s, payload auto, α = %s, "
                        + "cost = %s × (device ms + link ms + gateway ms)%n%n", tracePath, trace.samples(), profilePath,
                encoding, threshold, weight);
        System.out.println("| F | link | final exit | early exit | all raw offloaded | best plain arm | best cascade arm "
                + "| cascade / EE | plain / EE | cheapest split / EE |");
        System.out.println("|---:|---|---|---|---|---|---|---:|---:|---|");
        List<Cell> cells = new ArrayList<>();
        for (double f : factors) {
            for (LinkProfile link : links) {
                Cell c = cell(trace, profile, link, f, encoding, threshold, weight);
                cells.add(c);
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.3f | %.3f | %.3f (%s) |%n",
                        fmt(f), link.name(), figure(c.finalExit()), figure(c.earlyExit()), figure(c.raw()),
                        armFigure(c.bestPlain()), armFigure(c.bestCascade()), c.cascadeRatio(), c.plainRatio(),
                        c.cheapestRatio(), c.cheapestName());
            }
        }
        System.out.println();
        System.out.println("Each cell: mean cost per sample (accuracy); arm cells: arm: cost (accuracy, offloaded share). "
                + "EE = early exit. Best = the largest summed reward (confidence − cost) in hindsight; cheapest split = "
                + "the cheapest choice that can offload (plain p/cascade c arm 1..L−1, or raw), whatever its reward.");
        List<String> beat = new ArrayList<>();
        for (Cell c : cells) {
            if (c.cheapestRatio() < 1) {
                beat.add(String.format(Locale.ROOT, "F %s %s (%s %.3f)", fmt(c.factor()), c.link().name(),
                        c.cheapestName(), c.cheapestRatio()));
            }
        }
        System.out.println();
        System.out.println("cells where some split costs less than the early exit: "
                + (beat.isEmpty() ? "none" : String.join(", ", beat)));
        System.err.printf(Locale.ROOT, "PayoffFigures took %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static String fmt(double f) {
        return f == Math.rint(f) ? Long.toString((long) f) : Double.toString(f);
    }

    private static String figure(Figure f) {
        return String.format(Locale.ROOT, "%.4f (%.2f %%)", f.cost(), 100 * f.accuracy());
    }

    private static String armFigure(Figure f) {
        return String.format(Locale.ROOT, "%d: %.4f (%.2f %%, %.1f %% off)", f.arm(), f.cost(), 100 * f.accuracy(),
                100 * f.offloads());
    }

    /** The figures of one (factor, link) cell. */
    static Cell cell(Trace trace, CostProfile profile, LinkProfile link, double factor, String encoding,
                     double threshold, double weight) {
        int l = trace.exits();
        int n = trace.samples();
        // plain arms evaluate their own exit only; early exit and cascade arms are charged for every exit head on the way
        MeasuredReplay plain = MeasuredReplay.of(profile, link, factor, encoding, PayloadRule.AUTO, weight, weight, false);
        MeasuredReplay every = MeasuredReplay.of(profile, link, factor, encoding, PayloadRule.AUTO, weight, weight, true);
        EngineConfig plainConfig = new EngineConfig(l, threshold, plain.costModel(), 1.0, 0);
        EngineConfig everyConfig = new EngineConfig(l, threshold, every.costModel(), 1.0, 0);

        ReplayResult fin = plain.run(trace, Policies.parse("final", plainConfig), plainConfig, List.of()).replay();
        Figure finalExit = figure(l, fin);
        Figure earlyExit = figure(0, every.run(trace, Policies.parse("early-exit", everyConfig), everyConfig,
                List.of()).replay());
        Figure raw = new Figure(0, plain.costs().offload(0).cost(), fin.finalExitAccuracy().orElse(Double.NaN), 1.0);

        Figure cheapest = raw;
        String cheapestName = "raw";
        // the best plain arm in hindsight is Replay's bestFixedArm (the same for every policy replayed)
        int bestPlainArm = fin.bestFixedArm();
        Figure bestPlain = null;
        for (int a = 1; a <= l; a++) {
            Figure f = figure(a, plain.run(trace, Policies.parse("fixed:" + a, plainConfig), plainConfig, List.of())
                    .replay());
            if (a == bestPlainArm) {
                bestPlain = f;
            }
            if (a < l && f.cost() < cheapest.cost()) {
                cheapest = f;
                cheapestName = "p" + a;
            }
        }
        double[] cascadeSums = new double[l + 1];
        for (int s = 0; s < n; s++) {
            Outcome full = new Outcome(l, false, trace.confidences(s));
            for (int a = 1; a <= l; a++) {
                cascadeSums[a] += full.cascadeReward(a, everyConfig).orElseThrow();
            }
        }
        int bestCascadeArm = 1;
        for (int a = 2; a <= l; a++) {
            if (cascadeSums[a] > cascadeSums[bestCascadeArm]) {
                bestCascadeArm = a;
            }
        }
        Figure bestCascade = null;
        for (int a = 1; a <= l; a++) {
            Figure f = figure(a, every.run(trace, new FixedCascade(a, l), everyConfig, List.of()).replay());
            if (a == bestCascadeArm) {
                bestCascade = f;
            }
            if (a < l && f.cost() < cheapest.cost()) {
                cheapest = f;
                cheapestName = "c" + a;
            }
            if (a == l && (Math.abs(f.cost() - earlyExit.cost()) > 1e-9 * Math.max(1, earlyExit.cost())
                    || f.accuracy() != earlyExit.accuracy())) {
                throw new IllegalStateException("cascade arm " + l + " (" + f + ") is not the early exit ("
                        + earlyExit + ")");
            }
        }
        return new Cell(factor, link, finalExit, earlyExit, raw, bestPlain, bestCascade, cheapest, cheapestName);
    }

    private static Figure figure(int arm, ReplayResult r) {
        return new Figure(arm, r.cost() / r.samples(), r.accuracy().orElse(Double.NaN),
                (double) r.offloaded() / r.samples());
    }

    /**
     * Cascade arm {@code arm} on every sample, not learning: {@link Plan#stopAtFirstConfidentExit(int)} (exits
     * 1..arm in order, the first with C ≥ α answers, else offloaded after block {@code arm}, answered at L when
     * {@code arm} is L), what a {@code leave=first} policy plays for that arm. It evaluates every exit on the way,
     * so {@link MeasuredReplay} prices it with every exit head (replayed with {@code everyExit}). Its spec,
     * {@code fixed:arm}, only names it for the replay's messages.
     */
    static final class FixedCascade implements Policy {
        private final int arm;
        private final int arms;

        FixedCascade(int arm, int arms) {
            if (arm < 1 || arm > arms) {
                throw new IllegalArgumentException("arm must be in 1.." + arms + ", got " + arm);
            }
            this.arm = arm;
            this.arms = arms;
        }

        @Override
        public String spec() {
            return "fixed:" + arm;
        }

        @Override
        public int arms() {
            return arms;
        }

        @Override
        public Plan choose() {
            return Plan.stopAtFirstConfidentExit(arm);
        }

        @Override
        public Set<Characteristic> characteristics() {
            return EnumSet.of(Characteristic.EVALUATES_EVERY_EXIT, Characteristic.STOPS_AT_FIRST_CONFIDENT_EXIT);
        }

        @Override
        public void record(Outcome outcome) {
            // a fixed arm learns nothing
        }

        @Override
        public PolicyState snapshot() {
            throw new UnsupportedOperationException("a fixed cascade arm has no state to keep");
        }
    }
}
