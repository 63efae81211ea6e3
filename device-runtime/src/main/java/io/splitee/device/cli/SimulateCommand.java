package io.splitee.device.cli;

import io.splitee.engine.EngineConfig;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Policies;
import io.splitee.engine.Policy;
import io.splitee.replay.Replay;
import io.splitee.replay.ReplayResult;
import io.splitee.replay.Trace;
import io.splitee.replay.TraceException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simulate}: replay one policy over one trace. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Replay one policy over a trace and report cost, offloads, accuracy and regret.")
final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "FILE",
            description = "Trace CSV (or .csv.gz) with conf_1..conf_L, pred_1..pred_L and optionally label.")
    Path trace;

    @Option(names = "--policy", required = true, paramLabel = "POLICY",
            description = "splitee, splitee-s, final, fixed:K, random or early-exit.")
    String policy;

    @Option(names = "--lambda", required = true, paramLabel = "LAMBDA", description = "Per-block device cost λ (>= 0).")
    double lambda;

    @Option(names = "--offload-cost", required = true, paramLabel = "O", description = "Offload cost o (>= 0).")
    double offloadCost;

    @Option(names = "--threshold", required = true, paramLabel = "ALPHA", description = "Confidence threshold α in (0, 1].")
    double threshold;

    @Option(names = "--ucb-c", defaultValue = "1", paramLabel = "C", description = "UCB exploration constant (default ${DEFAULT-VALUE}).")
    double ucbC;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED", description = "Seed of the random policy (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws TraceException {
        Checks.nonNegative("--lambda", lambda);
        Checks.nonNegative("--offload-cost", offloadCost);
        Checks.threshold("--threshold", threshold);
        Checks.nonNegative("--ucb-c", ucbC);
        String canonical = Checks.policy("--policy", policy);
        Trace t = Trace.read(trace);
        EngineConfig config = new EngineConfig(t.exits(), threshold, new PaperCost(lambda, offloadCost), ucbC, seed);
        Policy p;
        try {
            p = Policies.parse(canonical, config);
        } catch (IllegalArgumentException e) {
            throw new InputException("--policy: " + e.getMessage() + " (the trace has " + t.exits() + " exits)");
        }
        ReplayResult result = Replay.run(t, p, config, Replay.DEFAULT_CHECKPOINTS);
        if (json) {
            spec.commandLine().getOut().println(Reports.json(result));
        } else {
            spec.commandLine().getOut().print(Reports.table(t, config, lambda, offloadCost, result));
        }
        return 0;
    }
}
