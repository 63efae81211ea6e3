package io.splitee.demo.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Writes a report folder: PNG charts, the numbers behind them (CSV and JSON) and an
 * {@code index.html} that shows them all.
 *
 * <p>Charts: {@code arm-over-time.png} (the arm played on each sample), {@code regret.png}
 * (cumulative regret against the best fixed arm, every policy), {@code cost-accuracy.png} (cost
 * reduction against accuracy, every policy), {@code measured-cost.png} (the device's per-block compute
 * time and link round trip) and {@code latency-by-arm.png} (where the time went, by split point, from
 * the answers' timings). A chart whose numbers the run does not have is left out and the page says why.
 */
final class ReportWriter {
    /** The arm-over-time chart. */
    public static final String ARM_CHART = "arm-over-time.png";
    /** The cumulative regret chart. */
    public static final String REGRET_CHART = "regret.png";
    /** The cost-against-accuracy chart. */
    public static final String COST_ACCURACY_CHART = "cost-accuracy.png";
    /** The measured per-block and link cost chart. */
    public static final String MEASURED_CHART = "measured-cost.png";
    /** The latency-by-arm chart. */
    public static final String LATENCY_CHART = "latency-by-arm.png";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int WINDOW = 50;

    private final ChartRenderer charts;

    /**
     * What was written.
     *
     * @param dir    the folder
     * @param charts the chart files, in page order
     * @param files  every file written (charts included)
     * @param index  the HTML page
     */
    public record Written(Path dir, List<Path> charts, List<Path> files, Path index) {
    }

    /** A writer drawing with the standard renderer. */
    public ReportWriter() {
        this(ChartRenderer.standard());
    }

    ReportWriter(ChartRenderer charts) {
        this.charts = charts;
    }

    /**
     * Writes the report into {@code dir} (created if needed; files of the same names are replaced).
     *
     * @throws IOException when a file cannot be written
     */
    public Written write(Report report, Path dir) throws IOException {
        return write(report, dir, List.of());
    }

    /**
     * Writes the report, listing {@code attachments} (files already in {@code dir}, such as the demo's
     * {@code results.jsonl}) among its data files.
     *
     * @throws IOException when a file cannot be written
     */
    public Written write(Report report, Path dir, List<Path> attachments) throws IOException {
        Files.createDirectories(dir);
        List<Path> chartFiles = new ArrayList<>();
        List<Path> files = new ArrayList<>(attachments);
        List<String> missing = new ArrayList<>();
        PolicyRun played = report.played();

        // 1. arm over time
        if (played.samples() > 0) {
            int n = played.samples();
            double[] x = new double[n];
            double[] arm = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = i + 1;
                arm[i] = played.steps().get(i).arm();
            }
            List<ChartRenderer.Series> s = new ArrayList<>();
            s.add(new ChartRenderer.Series(played.name() + ": arm played", x, arm, ChartRenderer.Style.MARKERS));
            s.add(new ChartRenderer.Series(played.name() + ": mean of last " + WINDOW, x, runningMean(arm),
                    ChartRenderer.Style.LINE));
            for (PolicyRun r : report.baselines()) {
                if (r.name().startsWith("splitee") && r.samples() == n) {
                    double[] a = r.steps().stream().mapToDouble(Step::arm).toArray();
                    s.add(new ChartRenderer.Series(r.name() + ": mean of last " + WINDOW, x, runningMean(a),
                            ChartRenderer.Style.LINE));
                }
            }
            report.change().ifPresent(c -> s.add(new ChartRenderer.Series(c.label() + " (sample " + c.sample() + ")",
                    new double[] {c.sample(), c.sample()}, new double[] {0, played.arms() + 0.5},
                    ChartRenderer.Style.LINE)));
            // the legend names the policy: a long spec in the title runs past the plot (narrowed by the legend on the
            // right) and is cut off
            chart(dir, ARM_CHART, chartFiles, p -> charts.xy(p, "Split point played on each sample",
                    "sample", "arm (blocks computed on the device)", s,
                    new ChartRenderer.Limits(0.0, (double) n, 0.0, played.arms() + 0.5)));
        } else {
            missing.add("arm over time: the run has no answered sample");
        }

        // 2. cumulative regret
        List<ChartRenderer.Series> regret = new ArrayList<>();
        for (PolicyRun r : report.all()) {
            double[] c = r.cumulativeRegret();
            if (c.length > 0) {
                double[] x = new double[c.length];
                for (int i = 0; i < c.length; i++) {
                    x[i] = i + 1;
                }
                regret.add(new ChartRenderer.Series(r.name(), x, c, ChartRenderer.Style.LINE));
            }
        }
        if (!regret.isEmpty()) {
            // From 0, as the arm chart: XChart 3.8.8 starts its ticks at the axis minimum (1, 296, 591, … from 1)
            double last = regret.stream().mapToDouble(x -> x.x().length).max().orElse(1);
            chart(dir, REGRET_CHART, chartFiles, p -> charts.xy(p, "Cumulative regret against the best fixed arm",
                    "sample", "cumulative regret (reward units)", regret,
                    new ChartRenderer.Limits(0.0, last, null, null)));
        } else {
            missing.add("cumulative regret: no trace rows for these samples, so no rewards");
        }

        // 3. cost against accuracy
        List<ChartRenderer.Series> points = new ArrayList<>();
        for (PolicyRun r : report.all()) {
            if (r.accuracy().isPresent() && Double.isFinite(r.costReduction())) {
                points.add(new ChartRenderer.Series(r.name(), new double[] {100 * r.costReduction()},
                        new double[] {100 * r.accuracy().getAsDouble()}, ChartRenderer.Style.MARKERS));
            }
        }
        if (!points.isEmpty()) {
            ChartRenderer.Limits limits = new ChartRenderer.Limits(
                    pad(points, true, false), pad(points, true, true), pad(points, false, false), pad(points, false, true));
            chart(dir, COST_ACCURACY_CHART, chartFiles, p -> charts.xy(p,
                    "Cost reduction against accuracy (" + shortUnit(report.unit()) + ")",
                    "cost reduction against the final exit on the device (%)", "accuracy (%)", points, limits));
        } else {
            missing.add("cost against accuracy: no labels for these samples");
        }

        // 4. measured per-block compute and link cost
        if (report.measured().isPresent()) {
            Measured m = report.measured().get();
            double[] blocks = m.blockMs();
            List<String> cats = new ArrayList<>();
            for (int i = 0; i < blocks.length; i++) {
                cats.add(Integer.toString(i + 1));
            }
            double[] link = {m.roundTripMs(), m.throughputBytesPerMs() > 0 ? 10_000 / m.throughputBytesPerMs() : Double.NaN};
            chart(dir, MEASURED_CHART, chartFiles, p -> charts.bars(p, List.of(
                    new ChartRenderer.BarPanel("Device compute per block (smoothed)", "block", "milliseconds", cats,
                            List.of(new ChartRenderer.Bars("device compute", blocks)), false),
                    new ChartRenderer.BarPanel("Link, device to gateway (smoothed)", "", "milliseconds",
                            List.of("round trip", "10 kB transfer"), List.of(new ChartRenderer.Bars("link", link)), false))));
            Path csv = dir.resolve("measured.csv");
            try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                w.write("quantity,value\n");
                for (int i = 0; i < blocks.length; i++) {
                    w.write("block_" + (i + 1) + "_ms," + num(blocks[i]) + "\n");
                }
                w.write("link_rtt_ms," + num(m.roundTripMs()) + "\n");
                w.write("link_throughput_bytes_per_ms," + num(m.throughputBytesPerMs()) + "\n");
            }
            files.add(csv);
        } else {
            missing.add("measured cost: no device ran (a replayed trace or a results file), so no cost gauges");
        }

        // 5. latency by arm, from the answers' timings
        Map<Integer, double[]> byArm = latencyByArm(played);
        if (!byArm.isEmpty()) {
            List<String> cats = new ArrayList<>();
            double[][] v = new double[3][byArm.size()];
            int k = 0;
            for (Map.Entry<Integer, double[]> e : byArm.entrySet()) {
                cats.add(e.getKey() + " (" + (long) e.getValue()[0] + ")");
                v[0][k] = e.getValue()[1];
                v[1][k] = e.getValue()[2];
                v[2][k] = e.getValue()[3];
                k++;
            }
            chart(dir, LATENCY_CHART, chartFiles, p -> charts.bars(p, List.of(new ChartRenderer.BarPanel(
                    "Mean time per sample by split point (from the answers' timings)", "arm (samples)", "milliseconds",
                    cats, List.of(new ChartRenderer.Bars("device compute", v[0]), new ChartRenderer.Bars("link", v[1]),
                            new ChartRenderer.Bars("gateway compute", v[2])), true))));
            Path csv = dir.resolve("latency-by-arm.csv");
            try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                w.write("arm,samples,device_ms_mean,link_ms_mean,gateway_ms_mean,end_to_end_ms_mean\n");
                for (Map.Entry<Integer, double[]> e : byArm.entrySet()) {
                    double[] a = e.getValue();
                    w.write(e.getKey() + "," + (long) a[0] + "," + num(a[1]) + "," + num(a[2]) + "," + num(a[3]) + ","
                            + num(a[4]) + "\n");
                }
            }
            files.add(csv);
        } else if (played.samples() > 0) {
            missing.add("latency by arm: the answers carry no timings (a replayed trace)");
        }

        files.add(writeSummaryCsv(report, dir));
        files.add(writeSamplesCsv(played, dir));
        if (!regret.isEmpty()) {
            files.add(writeRegretCsv(report, dir));
        }
        files.add(writeJson(report, dir, chartFiles, missing));
        Path index = dir.resolve("index.html");
        Files.writeString(index, Html.page(report, chartFiles, files, missing), StandardCharsets.UTF_8);
        files.addAll(0, chartFiles);
        files.add(index);
        return new Written(dir, List.copyOf(chartFiles), List.copyOf(files), index);
    }

    @FunctionalInterface
    private interface Draw {
        void to(Path png) throws IOException;
    }

    private static void chart(Path dir, String name, List<Path> out, Draw draw) throws IOException {
        Path p = dir.resolve(name);
        draw.to(p);
        out.add(p);
    }

    /** An axis limit 10 % (at least 1 unit) beyond the points' range. */
    private static Double pad(List<ChartRenderer.Series> points, boolean x, boolean max) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (ChartRenderer.Series s : points) {
            for (double v : x ? s.x() : s.y()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double margin = Math.max(1, 0.1 * (hi - lo));
        return max ? hi + margin : lo - margin;
    }

    /** The report's unit without its parenthesis, for a chart title: "measured cost units", "paper units". */
    static String shortUnit(String unit) {
        int p = unit.indexOf(" (");
        return p > 0 ? unit.substring(0, p) : unit;
    }

    static double[] runningMean(double[] v) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= WINDOW) {
                sum -= v[i - WINDOW];
            }
            out[i] = sum / Math.min(i + 1, WINDOW);
        }
        return out;
    }

    /** arm → {samples, mean device ms, mean link ms, mean gateway ms, mean end-to-end ms}; empty without timings. */
    static Map<Integer, double[]> latencyByArm(PolicyRun run) {
        Map<Integer, double[]> sums = new TreeMap<>();
        boolean any = false;
        for (Step s : run.steps()) {
            double[] a = sums.computeIfAbsent(s.arm(), k -> new double[5]);
            a[0]++;
            a[1] += zeroIfNaN(s.deviceMs());
            a[2] += zeroIfNaN(s.linkMs());
            a[3] += zeroIfNaN(s.gatewayMs());
            a[4] += zeroIfNaN(s.endToEndMs());
            any |= !Double.isNaN(s.endToEndMs()) || !Double.isNaN(s.deviceMs());
        }
        if (!any) {
            return Map.of();
        }
        for (double[] a : sums.values()) {
            for (int i = 1; i < a.length; i++) {
                a[i] /= a[0];
            }
        }
        return sums;
    }

    private static double zeroIfNaN(double d) {
        return Double.isNaN(d) ? 0 : d;
    }

    static String num(double d) {
        if (!Double.isFinite(d)) {
            return "";
        }
        return String.format(Locale.ROOT, "%.6g", d);
    }

    private static String armCounts(PolicyRun r) {
        long[] c = r.armCounts();
        StringBuilder b = new StringBuilder();
        for (int a = 0; a < c.length; a++) {
            if (c[a] > 0) {
                b.append(b.length() == 0 ? "" : " ").append(a).append(':').append(c[a]);
            }
        }
        return b.toString();
    }

    private static Path writeSummaryCsv(Report report, Path dir) throws IOException {
        Path p = dir.resolve("summary.csv");
        OptionalDouble fin = report.finalExit().map(PolicyRun::accuracy).orElse(OptionalDouble.empty());
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            w.write("policy,samples,unanswered,accuracy,accuracy_vs_final_pp,cost,full_cost,cost_reduction,offloaded,"
                    + "offload_share,most_played_arm,mean_arm,regret,arm_counts,description\n");
            for (PolicyRun r : report.all()) {
                OptionalDouble acc = r.accuracy();
                w.write(String.join(",", csv(r.name()), Integer.toString(r.samples()), Integer.toString(r.unanswered()),
                        acc.isPresent() ? num(acc.getAsDouble()) : "",
                        acc.isPresent() && fin.isPresent() ? num(100 * (acc.getAsDouble() - fin.getAsDouble())) : "",
                        num(r.cost()), num(r.fullCost() * r.samples()), num(r.costReduction()),
                        Long.toString(r.offloaded()), num(r.offloadShare()), Integer.toString(r.mostPlayedArm()),
                        num(r.meanArm()), num(r.regret()), csv(armCounts(r)), csv(r.description())) + "\n");
            }
        }
        return p;
    }

    private static Path writeSamplesCsv(PolicyRun r, Path dir) throws IOException {
        Path p = dir.resolve("samples.csv");
        double[] cum = r.cumulativeRegret();
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            w.write("n,row,sample_id,arm,offloaded,exit,predicted,label,correct,cost,reward,best_reward,"
                    + "cumulative_regret,device_ms,link_ms,gateway_ms,end_to_end_ms\n");
            for (int i = 0; i < r.steps().size(); i++) {
                Step s = r.steps().get(i);
                w.write(String.join(",", Integer.toString(i + 1), Integer.toString(s.row()), csv(s.sampleId()),
                        Integer.toString(s.arm()), Boolean.toString(s.offloaded()), Integer.toString(s.exit()),
                        Integer.toString(s.predicted()), Integer.toString(s.label()),
                        s.labelled() ? Boolean.toString(s.correct()) : "", num(s.cost()), num(s.reward()),
                        num(s.bestReward()), cum.length > 0 ? num(cum[i]) : "", num(s.deviceMs()), num(s.linkMs()),
                        num(s.gatewayMs()), num(s.endToEndMs())) + "\n");
            }
        }
        return p;
    }

    private static Path writeRegretCsv(Report report, Path dir) throws IOException {
        Path p = dir.resolve("regret.csv");
        List<PolicyRun> runs = report.all().stream().filter(PolicyRun::hasRewards).toList();
        List<double[]> cums = runs.stream().map(PolicyRun::cumulativeRegret).toList();
        int n = cums.stream().mapToInt(c -> c.length).max().orElse(0);
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            w.write("n");
            for (PolicyRun r : runs) {
                w.write("," + csv(r.name()));
            }
            w.write("\n");
            for (int i = 0; i < n; i++) {
                StringBuilder b = new StringBuilder().append(i + 1);
                for (double[] c : cums) {
                    b.append(',').append(i < c.length ? num(c[i]) : "");
                }
                w.write(b.append('\n').toString());
            }
        }
        return p;
    }

    private static Path writeJson(Report report, Path dir, List<Path> chartFiles, List<String> missing) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("title", report.title());
        ObjectNode s = o.putObject("settings");
        report.settings().forEach(s::put);
        OptionalDouble fin = report.finalExit().map(PolicyRun::accuracy).orElse(OptionalDouble.empty());
        ArrayNode runs = o.putArray("policies");
        for (PolicyRun r : report.all()) {
            ObjectNode n = runs.addObject();
            n.put("policy", r.name());
            n.put("description", r.description());
            n.put("samples", r.samples());
            n.put("unanswered", r.unanswered());
            OptionalDouble acc = r.accuracy();
            if (acc.isPresent()) {
                n.put("accuracy", acc.getAsDouble());
                if (fin.isPresent()) {
                    n.put("accuracy_vs_final_pp", 100 * (acc.getAsDouble() - fin.getAsDouble()));
                }
            } else {
                n.putNull("accuracy");
            }
            n.put("cost", r.cost());
            n.put("full_cost", r.fullCost() * r.samples());
            number(n, "cost_reduction", r.costReduction());
            n.put("offloaded", r.offloaded());
            number(n, "offload_share", r.offloadShare());
            n.put("most_played_arm", r.mostPlayedArm());
            number(n, "mean_arm", r.meanArm());
            number(n, "regret", r.regret());
            ArrayNode counts = n.putArray("arm_counts");
            for (long c : r.armCounts()) {
                counts.add(c);
            }
        }
        if (report.measured().isPresent()) {
            Measured m = report.measured().get();
            ObjectNode mn = o.putObject("measured");
            mn.put("source", m.source());
            ArrayNode b = mn.putArray("block_ms");
            for (double d : m.blockMs()) {
                b.add(d);
            }
            number(mn, "link_rtt_ms", m.roundTripMs());
            number(mn, "link_throughput_bytes_per_ms", m.throughputBytesPerMs());
        }
        ArrayNode notes = o.putArray("notes");
        report.notes().forEach(notes::add);
        ArrayNode charts = o.putArray("charts");
        chartFiles.forEach(c -> charts.add(c.getFileName().toString()));
        ArrayNode left = o.putArray("charts_left_out");
        missing.forEach(left::add);
        Path p = dir.resolve("summary.json");
        JSON.writeValue(p.toFile(), o);
        return p;
    }

    private static void number(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
