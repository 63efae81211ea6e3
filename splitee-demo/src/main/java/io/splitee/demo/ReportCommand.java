package io.splitee.demo;

import io.splitee.demo.feed.Samples;
import io.splitee.demo.report.Report;
import io.splitee.demo.report.Settings;
import io.splitee.demo.images.Distortion;
import io.splitee.model.ModelPackage;
import io.splitee.replay.Trace;
import io.splitee.replay.TraceException;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.ResultParseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code report}: the demo's report from a trace (a policy replayed, as {@code simulate} does) or from
 * a file of a live device's answers (one result JSON per line, as the demo's {@code results.jsonl}).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the demo's report (charts, CSV, JSON, index.html) from a trace replay or from collected answers.")
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Exactly one input. */
    static final class Input {
        @Option(names = "--trace", paramLabel = "FILE",
                description = "Replay --policy over this trace (CSV or .csv.gz) and compare with the baselines.")
        Path trace;

        @Option(names = "--results", paramLabel = "FILE",
                description = "Answers collected from a device, one result JSON per line (the demo writes results.jsonl).")
        Path results;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--baseline-trace", paramLabel = "FILE",
            description = "With --results: the trace to score the answers and replay the baselines with (default: the "
                    + "model package's trace of --distortion).")
    Path baselineTrace;

    @Mixin
    Options.Model model;

    @Mixin
    Options.Yardstick yardstick;

    @Option(names = "--policy", defaultValue = "splitee", paramLabel = "POLICY",
            description = "With --trace: the policy replayed as the main run (default ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--samples", paramLabel = "N", description = "With --trace: replay the first N rows only (default: all).")
    Integer samples;

    @Option(names = "--out", defaultValue = "splitee-report", paramLabel = "DIR",
            description = "Report folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Settings settings = yardstick.settings();
        String policySpec = Options.policy(policy);
        Report report = input.trace != null ? fromTrace(settings, policySpec) : fromResults(settings);
        Path index = report.write(out, List.of());
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(report.summary());
        stdout.println();
        stdout.println("report: " + index.toAbsolutePath());
        return 0;
    }

    private Report fromTrace(Settings settings, String policySpec) {
        Trace trace = read(input.trace);
        int n = samples == null ? trace.samples() : samples;
        if (n < 1 || n > trace.samples()) {
            throw new InputException("--samples must be in 1.." + trace.samples() + " (the rows of " + input.trace + "), got " + n);
        }
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        Report.Builder report = Report.builder("SplitEE replay: " + policySpec + " on " + input.trace.getFileName(), settings)
                .trace(trace, rows);
        try {
            report.replay(policySpec, policySpec + " (replay)", "the policy " + policySpec + " replayed with the engine's Replay");
        } catch (IllegalArgumentException e) {
            throw new InputException("--policy: " + e.getMessage() + " (the trace has " + trace.exits() + " exits)");
        }
        return report
                .show("trace", input.trace + " (" + n + " of " + trace.samples() + " rows, " + trace.exits() + " exits)")
                .show("policy", policySpec)
                .show("paper cost", paperCost(settings))
                .note("Every policy is replayed with the engine's Replay on the trace's confidences; no device ran, so "
                        + "there are no measured costs or timings.")
                .build();
    }

    /** An answer and its sample's trace row (-1: none). */
    private record Answer(ResultMessage message, int row) {
    }

    private Report fromResults(Settings settings) throws IOException {
        List<ResultMessage> answers = readResults(input.results);
        if (answers.isEmpty()) {
            throw new InputException("--results " + input.results + ": no answers in it");
        }
        String device = answers.get(0).device();
        Report.Builder report = Report.builder("SplitEE report: device " + device + ", " + answers.size() + " answers",
                settings);
        List<String> notes = new ArrayList<>();
        Trace trace = null;
        String traceText;
        if (baselineTrace != null) {
            trace = read(baselineTrace);
            traceText = baselineTrace.toString();
        } else {
            Distortion d = model.distortion();
            ModelPackage pkg = null;
            if (Files.isDirectory(model.dir)) {
                pkg = model.load();
            }
            if (pkg != null) {
                trace = read(pkg.trace(d.traceName()));
                traceText = pkg.trace(d.traceName()).toString();
            } else {
                traceText = "none (no model package at " + model.dir + ")";
                notes.add("No trace: accuracy, rewards, regret and the baselines need the model package (--model) or "
                        + "--baseline-trace.");
            }
        }
        int arms = answers.stream().filter(m -> m.prediction() != null).mapToInt(m -> m.prediction().exit()).max().orElse(1);
        if (trace != null) {
            arms = trace.exits();
        }
        List<Answer> list = new ArrayList<>();
        boolean allRows = true;
        for (ResultMessage m : answers) {
            int row = Samples.indexOf(m.sampleId());
            if (trace != null && row >= trace.samples()) {
                row = -1;
            }
            allRows &= row >= 0;
            list.add(new Answer(m, trace == null ? -1 : row));
        }
        if (allRows) {
            list.sort(Comparator.comparingInt(Answer::row));
        }
        int[] rows = list.stream().mapToInt(Answer::row).filter(r -> r >= 0).toArray();
        if (trace != null && rows.length > 0) {
            report.trace(trace, rows);
            if (rows.length < list.size()) {
                notes.add((list.size() - rows.length) + " answers have sample ids without a trace row (<prefix>-<index>); "
                        + "they count in the live row's arms and offloads, and not in the baselines.");
            }
        } else if (trace != null) {
            notes.add("No answer's sample id names a trace row (<prefix>-<index>), so there are no baselines or accuracy.");
        }
        list.forEach(a -> report.answer(a.message(), a.row()));
        report.live("device " + device + " (live)", "the answers in " + input.results.getFileName(), arms, r -> -1, 0)
                .show("results", input.results + " (" + answers.size() + " samples answered)")
                .show("trace", traceText)
                .show("paper cost", paperCost(settings));
        notes.add("The live row's cost is the paper cost of the split points the device played; the device itself may "
                + "have chosen them with measured costs.");
        notes.forEach(report::note);
        return report.build();
    }

    /** The first answer for each sample id, in file order. */
    static List<ResultMessage> readResults(Path file) throws IOException {
        List<ResultMessage> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                ResultMessage m;
                try {
                    m = ResultCodec.parse(line.getBytes(StandardCharsets.UTF_8));
                } catch (ResultParseException e) {
                    throw new InputException("--results " + file + " line " + n + ": " + e.getMessage(), e);
                }
                if (seen.add(m.sampleId())) {
                    out.add(m);
                }
            }
        } catch (NoSuchFileException e) {
            throw new InputException("--results " + file + ": no such file", e);
        }
        return out;
    }

    private static Trace read(Path file) {
        try {
            return Trace.read(file);
        } catch (TraceException e) {
            throw new InputException(e.getMessage(), e);
        }
    }

    private static String paperCost(Settings s) {
        return "λ = " + DemoCommand.fmt(s.lambda()) + ", o = " + DemoCommand.fmt(s.offloadCost()) + ", α = "
                + DemoCommand.fmt(s.threshold()) + ", c = " + DemoCommand.fmt(s.ucbC()) + ", seed " + s.seed();
    }
}
