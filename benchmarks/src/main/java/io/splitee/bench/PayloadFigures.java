package io.splitee.bench;

import io.splitee.device.cost.MeasuredCosts.PayloadRule;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Policies;
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
 * reward, the engine's objective). Replays use {@link MeasuredReplay}, i.e. the live cost model.
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.PayloadFigures \
 *     [--trace models/fmnist-resnet12/traces/clean.csv.gz] [--profile models/fmnist-resnet12/profiles/x86-vm.json] \
 *     [--encoding fp16] [--threshold 0.8] [--slowdowns 1,8] [--policy splitee] [--ucb-c 1]
 * </pre>
 */
public final class PayloadFigures {

    private static final double W = 0.01;
    private static String policy = "splitee";
    private static double ucbC = 1.0;

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
                case "--slowdowns" -> {
                    String[] parts = v.split(",");
                    slowdowns = new double[parts.length];
                    for (int k = 0; k < parts.length; k++) {
                        slowdowns[k] = Double.parseDouble(parts[k]);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Trace trace = Trace.read(tracePath);
        CostProfile profile = CostProfile.read(profilePath);
        System.out.printf(Locale.ROOT, "trace %s (%d samples), profile %s, encoding %s, threshold %s, weights %s/ms, policy %s, ucb-c %s%n%n",
                tracePath, trace.samples(), profilePath, encoding, threshold, W, policy, ucbC);
        System.out.println("| link | board | (1) device only | (2) raw to gateway | (3) SplitEE features | "
                + "(4) SplitEE auto (features/raw offloads) | (5) best fixed (arm, payload) | (4) ≤ 1.05·(5) | "
                + "(4) ≤ 1.05·min((1),(2)) |");
        System.out.println("|---|---:|---|---|---|---|---|---|---|");
        for (LinkProfile link : List.of(LinkProfile.WIFI, LinkProfile.LTE, LinkProfile.CONSTRAINED)) {
            for (double slow : slowdowns) {
                row(trace, profile, link, slow, encoding, threshold);
            }
        }
        System.out.println();
        System.out.println("Each cell: mean latency ms / mean reward / accuracy. Reward = confidence of the answer − "
                + W + " × latency ms (the engine's objective). Targets compare mean latency.");
    }

    private record Figure(double latencyMs, double reward, double accuracy) {
        String cell() {
            return String.format(Locale.ROOT, "%.2f / %.4f / %.2f%%", latencyMs, reward, 100 * accuracy);
        }
    }

    private static void row(Trace t, CostProfile profile, LinkProfile link, double slow, String enc, double alpha) {
        int l = t.exits();
        MeasuredReplay features = MeasuredReplay.of(profile, link, slow, enc, PayloadRule.FEATURES, W, W);
        MeasuredReplay raw = MeasuredReplay.of(profile, link, slow, enc, PayloadRule.RAW, W, W);
        MeasuredReplay auto = MeasuredReplay.of(profile, link, slow, enc, PayloadRule.AUTO, W, W);

        Figure device = fixed(t, auto, l, alpha);
        double rawLatency = auto.rawOnlyLatencyMs();
        Figure allRaw = new Figure(rawLatency, meanConfidence(t, l) - W * rawLatency, finalAccuracy(t));
        Figure splitFeatures = splitee(t, features, alpha, null);
        long[] counts = new long[2];
        Figure splitAuto = splitee(t, auto, alpha, counts);

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
        double better = Math.min(device.latencyMs(), allRaw.latencyMs());
        System.out.printf(Locale.ROOT, "| %s | ×%s | %s | %s | %s | %s (%d/%d) | %s (%s) | %s (%.1f%%) | %s (%.1f%%) |%n",
                link.name(), fmt(slow), device.cell(), allRaw.cell(), splitFeatures.cell(), splitAuto.cell(), counts[0],
                counts[1], best.cell(), bestName, splitAuto.latencyMs() <= 1.05 * best.latencyMs() ? "yes" : "no",
                100 * (splitAuto.latencyMs() / best.latencyMs() - 1),
                splitAuto.latencyMs() <= 1.05 * better ? "yes" : "no", 100 * (splitAuto.latencyMs() / better - 1));
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
        MeasuredReplay.Result r = m.run(t, Policies.parse(policy, config), config, Replay.DEFAULT_CHECKPOINTS);
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
