package io.splitee.device.cli;

import io.splitee.device.config.DeviceConfig;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Policies;
import io.splitee.replay.Replay;
import io.splitee.replay.ReplayResult;
import io.splitee.replay.Trace;
import io.splitee.replay.TraceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sweep}: the paper's table. For each trace and each offload cost o: accuracy, accuracy
 * drop and cost reduction of SplitEE, SplitEE-S, final, random and the on-device early-exit
 * baseline, with cumulative regret at the checkpoints for the adaptive policies.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Print the comparison table over offload costs for one or more traces (and write it as CSV).")
final class SweepCommand implements Callable<Integer> {

    /** The policies of the table, in order. */
    static final List<String> POLICIES = List.of("splitee", "splitee-s", "final", "random", "early-exit");

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "FILE",
            description = "Trace CSV (or .csv.gz); repeat for several traces.")
    List<Path> traces;

    @Option(names = "--lambda", defaultValue = "0.01", paramLabel = "LAMBDA",
            description = "Per-block device cost λ (default ${DEFAULT-VALUE}: a 12-block pass costs 0.12, about an eighth of the top reward).")
    double lambda;

    @Option(names = "--threshold", defaultValue = "0.8", paramLabel = "ALPHA",
            description = "Confidence threshold α (default ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--offload-costs", split = ",", defaultValue = "0.1,0.2,0.3,0.4,0.5,0.6", paramLabel = "O",
            description = "Offload costs, comma-separated (default ${DEFAULT-VALUE}).")
    List<Double> offloadCosts;

    @Option(names = "--checkpoints", split = ",", defaultValue = "1000,2000,5000", paramLabel = "N",
            description = "Sample counts for cumulative regret (default ${DEFAULT-VALUE}).")
    List<Integer> checkpoints;

    @Option(names = "--ucb-c", defaultValue = DeviceConfig.PolicyConfig.PAPER_UCB_C_TEXT, paramLabel = "C",
            description = "UCB exploration constant (default ${DEFAULT-VALUE}, the paper's).")
    double ucbC;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED", description = "Seed of the random policy (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--policies", split = ",", paramLabel = "P",
            description = "The policies of the table, comma-separated (default splitee,splitee-s,final,random,early-exit); "
                    + "any spec simulate takes, e.g. splitee-s-paper or splitee-s:side=learned.")
    List<String> policies = POLICIES;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the rows as CSV to FILE.")
    Path csv;

    @Override
    public Integer call() throws TraceException {
        Checks.nonNegative("--lambda", lambda);
        Checks.threshold("--threshold", threshold);
        Checks.nonNegative("--ucb-c", ucbC);
        for (double o : offloadCosts) {
            Checks.nonNegative("--offload-costs", o);
        }
        for (int n : checkpoints) {
            if (n < 1) {
                throw new InputException("--checkpoints must be >= 1, got " + n);
            }
        }
        List<String> canonical = new ArrayList<>();
        for (String p : policies) {
            canonical.add(Checks.policy("--policies", p));
        }
        policies = canonical;
        List<Trace> loaded = new ArrayList<>();
        for (Path p : traces) {
            loaded.add(Trace.read(p));
        }
        // open the CSV first: a bad --csv path fails before anything is printed
        try (Writer csvOut = csv == null ? Writer.nullWriter() : openCsv()) {
            run(loaded, csvOut);
        } catch (IOException e) {
            throw new InputException("--csv: cannot write " + csv + ": " + e);
        }
        if (csv != null) {
            spec.commandLine().getOut().println("CSV written to " + csv);
        }
        return 0;
    }

    private Writer openCsv() {
        try {
            return Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("--csv: cannot write " + csv + ": " + e);
        }
    }

    private void run(List<Trace> loaded, Writer csvOut) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        StringBuilder csvText = new StringBuilder(csvHeader());
        for (Trace t : loaded) {
            out.print(tableHeader(t));
            for (double o : offloadCosts) {
                EngineConfig config = new EngineConfig(t.exits(), threshold, new PaperCost(lambda, o), ucbC, seed);
                for (String name : policies) {
                    io.splitee.engine.Policy p;
                    try {
                        p = Policies.parse(name, config);
                    } catch (IllegalArgumentException e) {
                        throw new InputException("--policies: " + e.getMessage() + " (trace " + t.name() + " has "
                                + t.exits() + " exits)");
                    }
                    ReplayResult r = Replay.run(t, p, config, checkpoints);
                    out.print(tableRow(o, r));
                    csvText.append(csvRow(t, o, r));
                }
            }
            out.println();
        }
        csvOut.write(csvText.toString());
    }

    private static boolean adaptive(String policy) {
        return io.splitee.engine.PolicySpec.parse(policy).has(io.splitee.engine.Characteristic.ADAPTIVE);
    }

    private String tableHeader(Trace t) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Trace %s: %d samples, %d exits%s; lambda %s, threshold %s, ucb-c %s, seed %d%n",
                t.name(), t.samples(), t.exits(), t.hasLabels() ? "" : " (no labels: accuracy not available)",
                lambda, threshold, ucbC, seed));
        b.append(String.format(Locale.ROOT, "%6s  %-11s %9s %10s %10s %10s", "o", "policy", "accuracy", "acc. drop",
                "cost red.", "offloaded"));
        for (int n : checkpoints) {
            b.append(String.format(Locale.ROOT, " %12s", "regret@" + n));
        }
        b.append(System.lineSeparator());
        return b.toString();
    }

    private String tableRow(double o, ReplayResult r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%6s  %-11s %9s %10s %10s %10s", o, r.policy(),
                r.accuracy().isPresent() ? Reports.percent(r.accuracy().getAsDouble()) : "-",
                Reports.points(r.accuracyDrop()), Reports.percent(r.costReduction()),
                Reports.percent((double) r.offloaded() / r.samples())));
        for (int n : checkpoints) {
            Double v = r.cumulativeRegret().get(n);
            b.append(String.format(Locale.ROOT, " %12s",
                    adaptive(r.policy()) && v != null ? String.format(Locale.ROOT, "%.3f", v) : "-"));
        }
        b.append(System.lineSeparator());
        return b.toString();
    }

    private String csvHeader() {
        StringBuilder b = new StringBuilder(
                "trace,lambda,threshold,offload_cost,policy,samples,accuracy,accuracy_drop,cost_reduction,offloaded,regret");
        for (int n : checkpoints) {
            b.append(",regret_at_").append(n);
        }
        return b.append('\n').toString();
    }

    private String csvRow(Trace t, double o, ReplayResult r) {
        StringBuilder b = new StringBuilder();
        b.append(csvText(t.name())).append(',').append(lambda).append(',').append(threshold).append(',').append(o)
                .append(',').append(csvText(r.policy())).append(',').append(r.samples()).append(',')
                .append(opt(r.accuracy())).append(',').append(opt(r.accuracyDrop())).append(',')
                .append(Double.isFinite(r.costReduction()) ? Double.toString(r.costReduction()) : "").append(',')
                .append(r.offloaded()).append(',').append(r.regret());
        for (int n : checkpoints) {
            Double v = r.cumulativeRegret().get(n);
            b.append(',').append(v == null ? "" : v.toString());
        }
        return b.append('\n').toString();
    }

    private static String opt(OptionalDouble v) {
        return v.isPresent() ? Double.toString(v.getAsDouble()) : "";
    }

    private static String csvText(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
