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
                + "--board-slowdown, --encoding, --payload, --w-device-ms, --w-link-ms).")
final class SimulateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "FILE",
            description = "Trace CSV (or .csv.gz) with conf_1..conf_L, pred_1..pred_L and optionally label.")
    Path trace;

    @Option(names = "--policy", required = true, paramLabel = "POLICY",
            description = "splitee, splitee-s, final, fixed:K, random or early-exit.")
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

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws TraceException {
        if (costProfile != null) {
            return measured();
        }
        if (lambda == null || offloadCost == null) {
            throw new InputException("give --lambda and --offload-cost (paper mode) or --cost-profile (measured mode)");
        }
        Checks.nonNegative("--lambda", lambda);
        Checks.nonNegative("--offload-cost", offloadCost);
        Checks.threshold("--threshold", threshold);
        double ucbC = Checks.nonNegative("--ucb-c", this.ucbC == null ? DeviceConfig.PolicyConfig.PAPER_UCB_C : this.ucbC);
        String canonical = Checks.policy("--policy", policy);
        Trace t = Trace.read(trace);
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
        Checks.nonNegative("--w-device-ms", wDeviceMs);
        Checks.nonNegative("--w-link-ms", wLinkMs);
        if (!(boardSlowdown > 0) || Double.isInfinite(boardSlowdown)) {
            throw new InputException("--board-slowdown must be a finite number > 0, got " + boardSlowdown);
        }
        MeasuredCosts.PayloadRule rule = switch (payload.toLowerCase(Locale.ROOT)) {
            case "auto" -> MeasuredCosts.PayloadRule.AUTO;
            case "features" -> MeasuredCosts.PayloadRule.FEATURES;
            case "raw" -> MeasuredCosts.PayloadRule.RAW;
            default -> throw new InputException("--payload must be auto, features or raw, got '" + payload + "'");
        };
        String canonical = Checks.policy("--policy", policy);
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
        MeasuredReplay replay;
        try {
            replay = MeasuredReplay.of(profile, l, boardSlowdown, encoding, rule, wDeviceMs, wLinkMs, everyExit);
        } catch (IllegalArgumentException e) {
            throw new InputException("--encoding: " + e.getMessage());
        }
        Trace t = Trace.read(trace);
        if (t.exits() != profile.blocks()) {
            throw new InputException("--cost-profile: " + costProfile + " has " + profile.blocks()
                    + " blocks but the trace has " + t.exits() + " exits");
        }
        EngineConfig config = new EngineConfig(t.exits(), threshold, replay.costModel(), ucbC, seed);
        Policy p = policy(canonical, config, t);
        MeasuredReplay.Result r = replay.run(t, p, config, Replay.DEFAULT_CHECKPOINTS);
        if (json) {
            try {
                ObjectNode o = (ObjectNode) JSON.readTree(Reports.json(r.replay()));
                o.put("mean_latency_ms", r.meanLatencyMs());
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
                            + "encoding %s, payload %s, w-device-ms %s, w-link-ms %s, threshold %s, ucb-c %s, seed %d",
                    costProfile, l.name(), l.bitsPerSecond(), l.roundTrip().toNanos() / 1e6, boardSlowdown, encoding,
                    rule.name().toLowerCase(Locale.ROOT), wDeviceMs, wLinkMs, threshold, ucbC, seed);
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
}
