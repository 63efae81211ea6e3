package io.splitee.bench;

import io.splitee.device.config.DeviceConfig;
import io.splitee.device.cost.MeasuredCosts.PayloadRule;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Characteristic;
import io.splitee.engine.Policies;
import io.splitee.engine.PolicySpec;
import io.splitee.linkproxy.LinkProfile;
import io.splitee.replay.CostProfile;
import io.splitee.replay.MeasuredReplay;
import io.splitee.replay.ProfileException;
import io.splitee.replay.Replay;
import io.splitee.replay.Trace;
import io.splitee.replay.TraceException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Harness: the payload-choice figures of docs/payload.md. For each link (wifi, lte, constrained) and
 * board slowdown, on one trace, the mean end-to-end latency per sample, the mean reward (confidence of
 * the answer − cost, cost = latency ms × weight) and the accuracy of (1) every sample on the device at
 * the final exit, (2) every raw sample to the gateway, (3) SplitEE ({@code --policy}, {@code --ucb-c}) offloading features only, (4) SplitEE
 * with the per-offload payload choice, (5) the best fixed (arm, payload) in hindsight (largest summed
 * reward, the engine's objective). Replays use {@link MeasuredReplay}, i.e. the live cost model; the policy
 * is charged for every exit head it evaluates (SplitEE-S evaluates exits 1..a), the fixed choices for their own.
 * {@code --weight} is the reward units per ms of latency (device and link alike). {@code --grid c1,c2,...}
 * prints, instead, for every shipped trace and each exploration constant, whether (4) meets both targets
 * in each (link, board) cell.
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.PayloadFigures \
 *     [--trace models/fmnist-resnet12/traces/clean.csv.gz] [--profile models/fmnist-resnet12/profiles/x86-vm.json] \
 *     [--encoding fp16] [--threshold 0.8] [--slowdowns 1,8] [--policy SPEC] [--ucb-c 0.5] [--weight 0.1]
 *     [--pricing choice|record] [--grid 0.1,0.3,1]
 * </pre>
 * {@code --policy} defaults to the daemon's default policy ({@code DeviceConfig.PolicyConfig.DEFAULT_POLICY}).
 * <pre>
 * </pre>
 */
public final class PayloadFigures {

    private static double W = 0.1;
    private static String policy = DeviceConfig.PolicyConfig.DEFAULT_POLICY;
    private static double ucbC = DeviceConfig.PolicyConfig.MEASURED_UCB_C;
    private static String grid;
    /**
     * Whether the policy prices its statistics at choice time ({@code --pricing choice}, the default: as the daemon
     * and {@code simulate} price measured costs) or each reward when recorded ({@code record}: how these figures were
     * first made). Equal for a policy without a change detector; with one, pricing when recorded feeds the detector
     * the rewards, whose spread between on-device answers and offloads raises false alarms (docs/results.md).
     */
    private static boolean choiceTime = true;
    private static final List<LinkProfile> LINKS = List.of(LinkProfile.WIFI, LinkProfile.LTE, LinkProfile.CONSTRAINED);
    private static final List<String> TRACES = List.of("clean", "blur-1", "noise-0.1", "noise-0.2", "contrast-0.5");

    private PayloadFigures() {
    }

    /**
     * Prints the Markdown table.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws TraceException, ProfileException {
        Path tracePath = Path.of("models/fmnist-resnet12/traces/clean.csv.gz");
        Path profilePath = Path.of("models/fmnist-resnet12/profiles/x86-vm.json");
        String encoding = "fp16";
        double threshold = 0.8;
        double[] slowdowns = {1, 8};
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--trace" -> tracePath = Path.of(v);
                case "--profile" -> profilePath = Path.of(v);
                case "--encoding" -> encoding = v;
                case "--threshold" -> threshold = Double.parseDouble(v);
                case "--policy" -> policy = v;
                case "--ucb-c" -> ucbC = Double.parseDouble(v);
                case "--slowdowns" -> slowdowns = doubles(v);
                case "--grid" -> grid = v;
                case "--weight" -> W = Double.parseDouble(v);
                case "--pricing" -> choiceTime = switch (v) {
                    case "choice" -> true;
                    case "record" -> false;
                    default -> throw new IllegalArgumentException("--pricing: choice or record, got " + v);
                };
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        CostProfile profile = CostProfile.read(profilePath);
        Policies.checkSpec(policy);
        if (grid != null) {
            grid(profile, encoding, threshold, slowdowns, grid);
            return;
        }
        Trace trace = Trace.read(tracePath);
        System.out.printf(Locale.ROOT, "trace %s (%d samples), profile %s, encoding %s, threshold %s, weights %s/ms, policy %s, ucb-c %s, "
                + "priced %s%n%n", tracePath, trace.samples(), profilePath, encoding, threshold, W, policy, ucbC,
                choiceTime ? "at choice time" : "when recorded");
        System.out.println("| link | board | (1) device only | (2) raw to gateway | (3) SplitEE features | "
                + "(4) SplitEE auto (features/raw offloads) | (5) best fixed (arm, payload) | (4) ≤ 1.05·(5) | "
                + "(4) ≤ 1.05·min((1),(2)) |");
        System.out.println("|---|---:|---|---|---|---|---|---|---|");
        for (LinkProfile link : LINKS) {
            for (double slow : slowdowns) {
                row(trace, profile, link, slow, encoding, threshold);
            }
        }
        System.out.println();
        System.out.println("Each cell: mean latency ms / mean reward / accuracy. Reward = confidence of the answer − "
                + W + " × latency ms (the engine's objective). Targets compare mean latency.");
    }

    /** A comma-separated list of numbers, e.g. {@code 1,8}: the harnesses' list options. */
    static double[] doubles(String csv) {
        return java.util.Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static void grid(CostProfile profile, String enc, double alpha, double[] slowdowns, String cs)
            throws TraceException {
        String[] cvals = cs.split(",");
        StringBuilder head = new StringBuilder("| trace | c |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (LinkProfile link : LINKS) {
            for (double slow : slowdowns) {
                head.append(' ').append(link.name()).append(" ×").append(fmt(slow)).append(" |");
                rule.append("---|");
            }
        }
        System.out.println(head + " met |");
        System.out.println(rule + "---:|");
        for (String name : TRACES) {
            Trace t = Trace.read(Path.of("models/fmnist-resnet12/traces/" + name + ".csv.gz"));
            for (String c : cvals) {
                ucbC = Double.parseDouble(c);
                StringBuilder line = new StringBuilder("| " + name + " | " + c + " |");
                int met = 0;
                int cells = 0;
                for (LinkProfile link : LINKS) {
                    for (double slow : slowdowns) {
                        Cell cell = cell(t, profile, link, slow, enc, alpha);
                        double excess = Math.max(cell.excessOverBest(), cell.excessOverBaselines());
                        met += cell.met() ? 1 : 0;
                        cells++;
                        line.append(String.format(Locale.ROOT, " %s %.1f%% |", cell.met() ? "✓" : "✗", 100 * excess));
                    }
                }
                System.out.println(line + " " + met + "/" + cells + " |");
            }
        }
        System.out.println();
        System.out.println("Each cell: ✓ when (4) ≤ 1.05·(5) and (4) ≤ 1.05·min((1),(2)) on mean latency, with the larger "
                + "of the two excesses.");
    }

    private record Figure(double latencyMs, double reward, double accuracy) {
        String cell() {
            return String.format(Locale.ROOT, "%.2f / %.4f / %.2f%%", latencyMs, reward, 100 * accuracy);
        }
    }

    /** One (trace, link, board) cell: the five figures and the payload counts of (4). */
    private record Cell(Figure device, Figure allRaw, Figure splitFeatures, Figure splitAuto, long featureOffloads,
                        long rawOffloads, Figure best, String bestName) {
        double baseline() {
            return Math.min(device.latencyMs(), allRaw.latencyMs());
        }

        double excessOverBest() {
            return splitAuto.latencyMs() / best.latencyMs() - 1;
        }

        double excessOverBaselines() {
            return splitAuto.latencyMs() / baseline() - 1;
        }

        boolean met() {
            return excessOverBest() <= 0.05 && excessOverBaselines() <= 0.05;
        }
    }

    private static Cell cell(Trace t, CostProfile profile, LinkProfile link, double slow, String enc, double alpha) {
        int l = t.exits();
        // The fixed choices evaluate only their own exit; the policy is charged for the exits it evaluates.
        MeasuredReplay features = MeasuredReplay.of(profile, link, slow, enc, PayloadRule.FEATURES, W, W, false);
        MeasuredReplay raw = MeasuredReplay.of(profile, link, slow, enc, PayloadRule.RAW, W, W, false);
        MeasuredReplay auto = MeasuredReplay.of(profile, link, slow, enc, PayloadRule.AUTO, W, W, false);
        boolean every = PolicySpec.parse(policy).has(Characteristic.EVALUATES_EVERY_EXIT);
        MeasuredReplay policyFeatures = MeasuredReplay.of(profile, link, slow, enc, PayloadRule.FEATURES, W, W, every);
        MeasuredReplay policyAuto = MeasuredReplay.of(profile, link, slow, enc, PayloadRule.AUTO, W, W, every);

        Figure device = fixed(t, auto, l, alpha);
        double rawLatency = auto.rawOnlyLatencyMs();
        Figure allRaw = new Figure(rawLatency, meanConfidence(t, l) - W * rawLatency, finalAccuracy(t));
        Figure splitFeatures = splitee(t, policyFeatures, alpha, null);
        long[] counts = new long[2];
        Figure splitAuto = splitee(t, policyAuto, alpha, counts);

        Figure best = null;
        String bestName = "";
        for (int a = 1; a <= l; a++) {
            for (MeasuredReplay m : new MeasuredReplay[] {features, raw}) {
                Figure f = fixed(t, m, a, alpha);
                if (best == null || f.reward() > best.reward() + 1e-12) {
                    best = f;
                    bestName = a == l ? "arm " + a : "arm " + a + ", " + (m == features ? "features" : "raw");
                }
            }
        }
        return new Cell(device, allRaw, splitFeatures, splitAuto, counts[0], counts[1], best, bestName);
    }

    private static void row(Trace t, CostProfile profile, LinkProfile link, double slow, String enc, double alpha) {
        Cell c = cell(t, profile, link, slow, enc, alpha);
        System.out.printf(Locale.ROOT, "| %s | ×%s | %s | %s | %s | %s (%d/%d) | %s (%s) | %s (%.1f%%) | %s (%.1f%%) |%n",
                link.name(), fmt(slow), c.device().cell(), c.allRaw().cell(), c.splitFeatures().cell(),
                c.splitAuto().cell(), c.featureOffloads(), c.rawOffloads(), c.best().cell(), c.bestName(),
                c.excessOverBest() <= 0.05 ? "yes" : "no", 100 * c.excessOverBest(),
                c.excessOverBaselines() <= 0.05 ? "yes" : "no", 100 * c.excessOverBaselines());
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Fixed arm a with the replay's payload rule, computed directly: answer at a, or offload and answer at L. */
    private static Figure fixed(Trace t, MeasuredReplay m, int a, double alpha) {
        int l = t.exits();
        double lat = 0;
        double reward = 0;
        long correct = 0;
        for (int s = 0; s < t.samples(); s++) {
            boolean off = a < l && t.confidence(s, a) < alpha;
            double ms = m.latencyMs(a, off);
            lat += ms;
            int answer = off ? l : a;
            reward += t.confidence(s, answer) - m.costModel().cost(a, off);
            correct += t.prediction(s, answer) == t.label(s) ? 1 : 0;
        }
        int n = t.samples();
        return new Figure(lat / n, reward / n, (double) correct / n);
    }

    private static Figure splitee(Trace t, MeasuredReplay m, double alpha, long[] counts) {
        EngineConfig config = new EngineConfig(t.exits(), alpha, m.costModel(), ucbC, 0);
        EngineConfig own = choiceTime
                ? new EngineConfig(t.exits(), alpha, io.splitee.engine.CostModel.drifting(m.costModel()), ucbC, 0) : config;
        MeasuredReplay.Result r = m.run(t, Policies.parse(policy, own), config, Replay.DEFAULT_CHECKPOINTS);
        if (counts != null) {
            counts[0] = r.featurePayloads();
            counts[1] = r.rawPayloads();
        }
        // summed reward of the played arms = best fixed arm's summed reward − regret
        Figure best = fixed(t, m, r.replay().bestFixedArm(), alpha);
        double reward = best.reward() - r.replay().regret() / t.samples();
        return new Figure(r.meanLatencyMs(), reward, r.replay().accuracy().orElse(Double.NaN));
    }

    private static double meanConfidence(Trace t, int exit) {
        double c = 0;
        for (int s = 0; s < t.samples(); s++) {
            c += t.confidence(s, exit);
        }
        return c / t.samples();
    }

    private static double finalAccuracy(Trace t) {
        long c = 0;
        for (int s = 0; s < t.samples(); s++) {
            c += t.prediction(s, t.exits()) == t.label(s) ? 1 : 0;
        }
        return (double) c / t.samples();
    }

}
