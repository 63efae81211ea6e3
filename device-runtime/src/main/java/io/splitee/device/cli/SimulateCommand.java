package io.splitee.device.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Characteristic;
import io.splitee.engine.Policies;
import io.splitee.engine.PolicySpec;
import io.splitee.engine.Policy;
import io.splitee.linkproxy.LinkProfile;
import io.splitee.replay.CostProfile;
import io.splitee.replay.MeasuredReplay;
import io.splitee.replay.ProfileException;
import io.splitee.replay.Replay;
import io.splitee.replay.ReplayResult;
import io.splitee.replay.Trace;
import io.splitee.replay.TraceException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code simulate}: replay one policy over one trace, with the paper's costs ({@code --lambda},
 * {@code --offload-cost}) or with measured costs ({@code --cost-profile}).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Replay one policy over a trace and report cost, offloads, accuracy and regret. "
                + "Paper mode: --lambda and --offload-cost. Measured mode: --cost-profile (and --link, "
                + "--board-slowdown, --encoding, --payload, --w-device-ms, --w-link-ms, --w-millijoule, --pricing).")
final class SimulateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "FILE",
            description = "Trace CSV (or .csv.gz) with conf_1..conf_L, pred_1..pred_L and optionally label.")
    Path trace;

    @Option(names = "--policy", required = true, paramLabel = "POLICY",
            description = "splitee, splitee-s, splitee-s-paper, final, fixed:K, random or early-exit; the UCB policies take "
                    + "parameters, e.g. splitee-s:discount=0.995, splitee:window=2000, splitee-s-paper:init=authors, "
                    + "splitee-s:leave=first.")
    String policy;

    @Option(names = "--lambda", paramLabel = "LAMBDA", description = "Paper mode: per-block device cost λ (>= 0).")
    Double lambda;

    @Option(names = "--offload-cost", paramLabel = "O", description = "Paper mode: offload cost o (>= 0).")
    Double offloadCost;

    @Option(names = "--threshold", required = true, paramLabel = "ALPHA", description = "Confidence threshold α in (0, 1].")
    double threshold;

    @Option(names = "--ucb-c", paramLabel = "C", description = "UCB exploration constant (default: 1, the paper's, "
            + "in paper mode; 0.5, the device's, in measured mode).")
    Double ucbC;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED", description = "Seed of the random policy (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--cost-profile", paramLabel = "FILE",
            description = "Measured mode: cost profile JSON (device/gateway ms per block, frame bytes per encoding, link).")
    Path costProfile;

    @Option(names = "--link", paramLabel = "LINK",
            description = "Measured mode: none, wifi, lte, constrained or <kbit/s>kbit:<rtt>ms (default: the profile's link).")
    String link;

    @Option(names = "--board-slowdown", defaultValue = "1", paramLabel = "F",
            description = "Measured mode: multiply the device's compute times by F > 0 (default ${DEFAULT-VALUE}).")
    double boardSlowdown;

    @Option(names = "--encoding", defaultValue = "fp16", paramLabel = "ENC",
            description = "Measured mode: wire encoding, a key of the profile's wire section, e.g. fp32, fp16, int8, "
                    + "int8_per_channel, fp16+deflate (default ${DEFAULT-VALUE}).")
    String encoding;

    @Option(names = "--payload", defaultValue = "auto", paramLabel = "P",
            description = "Measured mode: auto (cheaper of features and raw sample per offload), features or raw "
                    + "(default ${DEFAULT-VALUE}).")
    String payload;

    @Option(names = "--w-device-ms", defaultValue = "0.1", paramLabel = "W",
            description = "Measured mode: reward units per ms of device compute (default ${DEFAULT-VALUE}).")
    double wDeviceMs;

    @Option(names = "--w-link-ms", defaultValue = "0.1", paramLabel = "W",
            description = "Measured mode: reward units per ms of link + gateway time (default ${DEFAULT-VALUE}).")
    double wLinkMs;

    @Option(names = "--w-millijoule", paramLabel = "W",
            description = "Measured mode: reward units per millijoule of device compute and radio above idle, as the "
                    + "daemon's cost.weight.millijoule (default 0); above 0 the profile needs an energy section. "
                    + "Given (0 included), the output also reports the mean energy per sample.")
    Double wMillijouleOption;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--pricing", paramLabel = "WHEN",
            description = "Measured mode: choice (default): the policy prices its statistics with the costs of the "
                    + "moment when it chooses, as the daemon does (its measured costs drift); record: each reward is "
                    + "priced when it is recorded, as simulate did before issue 14 (a change detector then watches "
                    + "priced rewards).")
    String pricing;

    @Option(names = "--discount", paramLabel = "GAMMA",
            description = "Discounted UCB: discount γ in (0, 1] on every arm's statistics per sample (splitee, "
                    + "splitee-s, splitee-s-paper); the same as the policy parameter :discount=γ.")
    Double discount;

    @Option(names = "--window", paramLabel = "TAU",
            description = "Sliding-window UCB: each arm's statistics over its last τ updates (splitee, splitee-s, "
                    + "splitee-s-paper); the same as :window=τ.")
    Integer window;

    @Option(names = "--refocus", paramLabel = "F",
            description = "With a change detector (:detect=ph; splitee-s, splitee-s-paper): after an alarm play arm L "
                    + "for 30 samples, then explore with F·c (F in (0, 1]) until the next alarm; the same as :refocus=F.")
    Double refocus;

    @Option(names = "--init", paramLabel = "INIT",
            description = "authors: the start of the authors' published code (splitee, splitee-s-paper): arm t scored "
                    + "uncharged on sample t for t = 1..L, then the replay starts over; the same as :init=authors.")
    String init;

    @Option(names = "--then", paramLabel = "FILE@N",
            description = "Schedule: trace FILE takes over at 0-based sample N (repeatable).")
    java.util.List<String> then = new java.util.ArrayList<>();

    @Option(names = "--change", paramLabel = "KEY=V@N",
            description = "Schedule: from sample N on, KEY is V (repeatable); paper mode: lambda, offload-cost; "
                    + "measured mode: link (as --link), board-slowdown.")
    java.util.List<String> changes = new java.util.ArrayList<>();

    @Option(names = "--repeat-to", paramLabel = "N",
            description = "Schedule: repeat the traces (each in passes) to N samples in all.")
    Integer repeatTo;

    @Option(names = "--shuffle-seed", paramLabel = "S",
            description = "Schedule: shuffle every pass of every trace with seed S.")
    Long shuffleSeed;

    @Option(names = "--checkpoints", split = ",", paramLabel = "N,...",
            description = "Report cumulative regret after these sample counts (JSON: cumulative_regret).")
    java.util.List<Integer> checkpoints;

    /** Whether any schedule or report flag of issue 14 was given (the output then has their keys). */
    private boolean scheduled() {
        return !then.isEmpty() || !changes.isEmpty() || repeatTo != null || shuffleSeed != null || checkpoints != null;
    }

    /** The policy with --discount, --window, --refocus and --init folded into its spec. */
    private String canonicalPolicy() {
        String canonical = Checks.policy("--policy", policy);
        try {
            io.splitee.engine.PolicySpec p = PolicySpec.parse(canonical);
            if (discount != null) {
                if (!p.has(Characteristic.ADAPTIVE)) {
                    throw new InputException("--discount: policy " + canonical
                            + " does not learn; only splitee, splitee-s and splitee-s-paper read it");
                }
                p = p.withDiscount(discount);
            }
            if (window != null) {
                if (!p.has(Characteristic.ADAPTIVE)) {
                    throw new InputException("--window: policy " + canonical
                            + " does not learn; only splitee, splitee-s and splitee-s-paper read it");
                }
                p = p.withWindow(window);
            }
            if (refocus != null) {
                if (!p.has(Characteristic.SIDE_OBSERVATIONS) || !p.detects()) {
                    throw new InputException("--refocus: policy " + canonical + " has no change detector with side "
                            + "observations; only splitee-s and splitee-s-paper with :detect=ph read it");
                }
                p = p.withRefocus(refocus, p.refocuses() ? p.refocusPlays() : PolicySpec.DEFAULT_REFOCUS_PLAYS);
            }
            if (init != null) {
                if (!init.equals("authors")) {
                    throw new InputException("--init must be 'authors', got '" + init + "'");
                }
                p = p.withAuthorsInit();
            }
            return p.toString();
        } catch (IllegalArgumentException e) {
            throw new InputException("--policy: " + e.getMessage());
        }
    }

    /** The trace, or the stream the schedule flags make of it. */
    private io.splitee.replay.Schedule schedule(Trace first) throws TraceException {
        io.splitee.replay.Schedule sc = io.splitee.replay.Schedule.of(first);
        try {
            for (String t : then) {
                int at = t.lastIndexOf('@');
                if (at < 1) {
                    throw new InputException("--then: '" + t + "' must be FILE@N");
                }
                int n = sampleIndex("--then", t, t.substring(at + 1));
                sc.then(Trace.read(Path.of(t.substring(0, at))), n);
            }
            for (String c : changes) {
                int at = c.lastIndexOf('@');
                int eq = c.indexOf('=');
                if (at < 0 || eq < 1 || eq > at) {
                    throw new InputException("--change: '" + c + "' must be KEY=V@N, e.g. offload-cost=0.6@10000");
                }
                String key = c.substring(0, eq);
                if (io.splitee.replay.Schedule.MEASURED_KEYS.contains(key)) {
                    if (costProfile == null) {
                        throw new InputException("--change: '" + c + "': " + key + " is a measured-mode change (give "
                                + "--cost-profile); paper mode changes lambda or offload-cost");
                    }
                    sc.changeMeasured(sampleIndex("--change", c, c.substring(at + 1)), key, c.substring(eq + 1, at));
                    continue;
                }
                if (costProfile != null && io.splitee.replay.Schedule.CHANGE_KEYS.contains(key)) {
                    throw new InputException("--change: '" + c + "': " + key + " is a paper-mode cost; measured mode "
                            + "changes link or board-slowdown");
                }
                double v;
                try {
                    v = Double.parseDouble(c.substring(eq + 1, at));
                } catch (NumberFormatException e) {
                    throw new InputException("--change: '" + c + "': '" + c.substring(eq + 1, at) + "' is not a number");
                }
                sc.change(sampleIndex("--change", c, c.substring(at + 1)), key, v);
            }
            if (repeatTo != null) {
                sc.repeatTo(repeatTo);
            }
            if (shuffleSeed != null) {
                sc.shuffle(shuffleSeed);
            }
            sc.samples();
        } catch (IllegalArgumentException e) {
            throw new InputException("schedule: " + e.getMessage());
        }
        return sc;
    }

    private static int sampleIndex(String option, String whole, String n) {
        try {
            int v = Integer.parseInt(n);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InputException(option + ": '" + whole + "': '" + n + "' is not a sample number >= 0");
        }
    }

    private java.util.List<Integer> checkpointList() {
        if (checkpoints == null) {
            return Replay.DEFAULT_CHECKPOINTS;
        }
        for (int c : checkpoints) {
            if (c < 1) {
                throw new InputException("--checkpoints: " + c + " is not a sample count >= 1");
            }
        }
        return checkpoints;
    }

    /** The JSON of a scheduled replay: the usual keys, then cumulative_regret, schedule and adaptation. */
    private String scheduledJson(String base, ReplayResult r, java.util.List<io.splitee.replay.ScheduledReplay.Adaptation> a,
                                 Trace stream) {
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(base);
            ObjectNode cr = o.putObject("cumulative_regret");
            r.cumulativeRegret().forEach((k, v) -> cr.put(Integer.toString(k), v));
            o.put("stream", stream.name());
            putAdaptations(o, a);
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Integer call() throws TraceException {
        if (costProfile != null) {
            return measured();
        }
        if (lambda == null || offloadCost == null) {
            throw new InputException("give --lambda and --offload-cost (paper mode) or --cost-profile (measured mode)");
        }
        if (pricing != null) {
            throw new InputException("--pricing is for measured mode (--cost-profile); paper mode's prices are fixed "
                    + "and priced when recorded");
        }
        Checks.nonNegative("--lambda", lambda);
        Checks.nonNegative("--offload-cost", offloadCost);
        Checks.threshold("--threshold", threshold);
        double ucbC = Checks.nonNegative("--ucb-c", this.ucbC == null ? DeviceConfig.PolicyConfig.PAPER_UCB_C : this.ucbC);
        String canonical = canonicalPolicy();
        Trace t = Trace.read(trace);
        if (scheduled()) {
            io.splitee.replay.ScheduledReplay sr;
            try {
                sr = io.splitee.replay.ScheduledReplay.of(schedule(t), lambda, offloadCost);
            } catch (IllegalArgumentException e) {
                throw new InputException("schedule: " + e.getMessage());
            }
            Trace stream = sr.stream();
            EngineConfig config = new EngineConfig(t.exits(), threshold, sr.costModel(), ucbC, seed);
            io.splitee.replay.ScheduledReplay.Result r = sr.run(policy(canonical, config, t), config, checkpointList());
            if (json) {
                spec.commandLine().getOut().println(scheduledJson(Reports.json(r.replay()), r.replay(), r.adaptations(), stream));
            } else {
                StringBuilder b = new StringBuilder(Reports.table(stream, config, lambda, offloadCost, r.replay()));
                r.replay().cumulativeRegret().forEach((k, v) -> b.append(String.format(Locale.ROOT,
                        "%-20s %.3f after %d samples%n", "cumulative regret", v, k)));
                for (io.splitee.replay.ScheduledReplay.Adaptation x : r.adaptations()) {
                    b.append(String.format(Locale.ROOT, "%-20s at sample %d the best arm is %d; %s%n", "change", x.at(),
                            x.bestArm(), x.samples() < 0 ? "never played in 80% of 200 before the next change"
                                    : "played in 80% of the last 200 after " + x.samples() + " samples"));
                }
                spec.commandLine().getOut().print(b);
            }
            return 0;
        }
        EngineConfig config = new EngineConfig(t.exits(), threshold, new PaperCost(lambda, offloadCost), ucbC, seed);
        Policy p = policy(canonical, config, t);
        ReplayResult result = Replay.run(t, p, config, Replay.DEFAULT_CHECKPOINTS);
        if (json) {
            spec.commandLine().getOut().println(Reports.json(result));
        } else {
            spec.commandLine().getOut().print(Reports.table(t, config, lambda, offloadCost, result));
        }
        return 0;
    }

    private Integer measured() throws TraceException {
        if (lambda != null || offloadCost != null) {
            throw new InputException("--cost-profile replaces --lambda and --offload-cost; give one mode");
        }
        Checks.threshold("--threshold", threshold);
        double ucbC = Checks.nonNegative("--ucb-c", this.ucbC == null ? DeviceConfig.PolicyConfig.MEASURED_UCB_C
                : this.ucbC);
        boolean choiceTime = switch (pricing == null ? "choice" : pricing.toLowerCase(Locale.ROOT)) {
            case "choice" -> true;
            case "record" -> false;
            default -> throw new InputException("--pricing must be choice or record, got '" + pricing + "'");
        };
        Checks.nonNegative("--w-device-ms", wDeviceMs);
        Checks.nonNegative("--w-link-ms", wLinkMs);
        // without --w-millijoule the output is what it was before energy existed (SimulateGoldenTest)
        boolean reportEnergy = wMillijouleOption != null;
        double wMillijoule = Checks.nonNegative("--w-millijoule", reportEnergy ? wMillijouleOption : 0);
        if (!(boardSlowdown > 0) || Double.isInfinite(boardSlowdown)) {
            throw new InputException("--board-slowdown must be a finite number > 0, got " + boardSlowdown);
        }
        MeasuredCosts.PayloadRule rule = switch (payload.toLowerCase(Locale.ROOT)) {
            case "auto" -> MeasuredCosts.PayloadRule.AUTO;
            case "features" -> MeasuredCosts.PayloadRule.FEATURES;
            case "raw" -> MeasuredCosts.PayloadRule.RAW;
            default -> throw new InputException("--payload must be auto, features or raw, got '" + payload + "'");
        };
        String canonical = canonicalPolicy();
        CostProfile profile;
        try {
            profile = CostProfile.read(costProfile);
        } catch (ProfileException e) {
            throw new InputException("--cost-profile: " + e.getMessage());
        }
        LinkProfile l;
        if (link != null) {
            try {
                l = LinkProfile.parse(link);
            } catch (IllegalArgumentException e) {
                throw new InputException("--link: " + e.getMessage());
            }
        } else {
            l = profile.link().orElseThrow(() -> new InputException(
                    "--link: not given and cost profile " + costProfile + " has no link section"));
        }
        boolean everyExit;
        try {
            everyExit = PolicySpec.parse(policy).has(Characteristic.EVALUATES_EVERY_EXIT);
        } catch (IllegalArgumentException e) {
            throw new InputException("--policy: " + e.getMessage());
        }
        if (wMillijoule > 0 && profile.energy().isEmpty()) {
            throw new InputException("--w-millijoule: " + wMillijoule + " prices energy, but cost profile "
                    + costProfile + " has no energy section (docs/payload.md); give 0 or a profile with one");
        }
        Trace t = Trace.read(trace);
        java.util.List<io.splitee.replay.Schedule.MeasuredChange> measuredChanges = java.util.List.of();
        if (scheduled()) {
            try {
                io.splitee.replay.Schedule sc = schedule(t);
                t = sc.stream();
                measuredChanges = sc.measuredChanges();
            } catch (IllegalArgumentException e) {
                throw new InputException("schedule: " + e.getMessage());
            }
        }
        MeasuredReplay replay;
        try {
            MeasuredReplay.of(profile, l, boardSlowdown, encoding, rule, wDeviceMs, wLinkMs, wMillijoule, everyExit);
        } catch (IllegalArgumentException e) {
            throw new InputException("--encoding: " + e.getMessage());
        }
        try {
            replay = MeasuredReplay.withChanges(profile, l, boardSlowdown, encoding, rule, wDeviceMs, wLinkMs,
                    wMillijoule, everyExit, measuredChanges);
        } catch (IllegalArgumentException e) {
            throw new InputException("--change: " + e.getMessage());
        }
        if (t.exits() != profile.blocks()) {
            throw new InputException("--cost-profile: " + costProfile + " has " + profile.blocks()
                    + " blocks but the trace has " + t.exits() + " exits");
        }
        EngineConfig config = new EngineConfig(t.exits(), threshold, replay.costModel(), ucbC, seed);
        // choice time: the policy's cost model is the replay's prices marked as drifting (CostModel.drifting), as the
        // daemon's measured costs are (ArmMapping.costModel, without its price band: the replay's estimates are
        // fixed, there is no noise to keep out), so the index prices the policy's statistics when it chooses and a
        // change detector watches the confidence terms; the replay itself (rewards, regret) prices as before
        EngineConfig own = choiceTime
                ? new EngineConfig(t.exits(), threshold, io.splitee.engine.CostModel.drifting(replay.costModel()), ucbC, seed)
                : config;
        Policy p = policy(canonical, own, t);
        MeasuredReplay.Result r = replay.run(t, p, config, checkpointList());
        if (json) {
            try {
                ObjectNode o = (ObjectNode) JSON.readTree(Reports.json(r.replay()));
                o.put("mean_latency_ms", r.meanLatencyMs());
                if (reportEnergy && r.meanMillijoules().isPresent()) {
                    o.put("mean_energy_mj", r.meanMillijoules().getAsDouble());
                }
                if (scheduled()) {
                    ObjectNode cr = o.putObject("cumulative_regret");
                    r.replay().cumulativeRegret().forEach((k, v) -> cr.put(Integer.toString(k), v));
                    putAdaptations(o, r.adaptations());
                }
                ObjectNode counts = o.putObject("payload_counts");
                counts.put("features", r.featurePayloads());
                counts.put("raw", r.rawPayloads());
                spec.commandLine().getOut().println(JSON.writeValueAsString(o));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            String table = Reports.table(t, config, Double.NaN, Double.NaN, r.replay());
            String params = String.format(Locale.ROOT, "measured: profile %s, link %s (%d bit/s, rtt %s ms), board slowdown %s, "
                            + "encoding %s, payload %s, w-device-ms %s, w-link-ms %s, %sthreshold %s, ucb-c %s, seed %d%s",
                    costProfile, l.name(), l.bitsPerSecond(), l.roundTrip().toNanos() / 1e6, boardSlowdown, encoding,
                    rule.name().toLowerCase(Locale.ROOT), wDeviceMs, wLinkMs,
                    reportEnergy ? "w-millijoule " + wMillijoule + ", " : "", threshold, ucbC, seed,
                    choiceTime ? ", priced at choice time" : ", priced when recorded");
            StringBuilder b = new StringBuilder();
            for (String line : table.split("\\R")) {
                if (line.startsWith("parameters ")) {
                    line = String.format(Locale.ROOT, "%-20s %s", "parameters", params);
                } else if (line.startsWith("full cost ")) {
                    line = line.replace("(every sample at the final exit on the device)",
                            "(every sample at the final exit on the device, measured costs)");
                }
                b.append(line).append(System.lineSeparator());
            }
            b.append(String.format(Locale.ROOT, "%-20s %.3f ms  (all on device: %.3f ms, all raw to gateway: %.3f ms)%n",
                    "mean latency", r.meanLatencyMs(), replay.latencyMs(t.exits(), false), replay.rawOnlyLatencyMs()));
            b.append(String.format(Locale.ROOT, "%-20s features %d, raw %d%n", "payloads", r.featurePayloads(),
                    r.rawPayloads()));
            for (io.splitee.replay.ScheduledReplay.Adaptation x : r.adaptations()) {
                b.append(String.format(Locale.ROOT, "%-20s at sample %d the best arm is %d; %s%n", "change", x.at(),
                        x.bestArm(), x.samples() < 0 ? "never played in 80% of 200 before the next change"
                                : "played in 80% of the last 200 after " + x.samples() + " samples"));
            }
            if (reportEnergy && r.meanMillijoules().isPresent()) {
                b.append(String.format(Locale.ROOT, "%-20s %.3f mJ above idle  (all on device: %.3f mJ, all raw to "
                                + "gateway: %.3f mJ)%s%n", "mean energy", r.meanMillijoules().getAsDouble(),
                        replay.millijoules(t.exits(), false), replay.costs().linkMj(replay.costs().offload(0).bytes()),
                        profile.energy().get().estimated() ? "  estimated figures, see the profile's energy.source"
                                : ""));
            }
            spec.commandLine().getOut().print(b);
        }
        return 0;
    }

    private static Policy policy(String canonical, EngineConfig config, Trace t) {
        try {
            return Policies.parse(canonical, config);
        } catch (IllegalArgumentException e) {
            throw new InputException("--policy: " + e.getMessage() + " (the trace has " + t.exits() + " exits)");
        }
    }

    /** The {@code adaptation} array of the JSON output: each change's sample, new best arm and samples to adapt. */
    private static void putAdaptations(ObjectNode o, java.util.List<io.splitee.replay.ScheduledReplay.Adaptation> list) {
        com.fasterxml.jackson.databind.node.ArrayNode arr = o.putArray("adaptation");
        for (io.splitee.replay.ScheduledReplay.Adaptation x : list) {
            ObjectNode e = arr.addObject();
            e.put("at", x.at());
            e.put("best_arm", x.bestArm());
            if (x.samples() < 0) {
                e.putNull("samples");
            } else {
                e.put("samples", x.samples());
            }
            com.fasterxml.jackson.databind.node.ArrayNode near = e.putArray("near_arms");
            x.nearArms().forEach(near::add);
            if (x.samplesNear() < 0) {
                e.putNull("samples_near");
            } else {
                e.put("samples_near", x.samplesNear());
            }
        }
    }
}
