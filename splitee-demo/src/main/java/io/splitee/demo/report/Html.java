package io.splitee.demo.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/** The report's index.html: settings, the comparison table, every chart with a caption, the data files. */
final class Html {
    private static final Map<String, String> CAPTIONS = Map.of(
            ReportWriter.ARM_CHART, "The split point (arm) played on each sample, with its running mean.",
            ReportWriter.REGRET_CHART, "Cumulative regret against the best fixed arm in hindsight, from the trace's "
                    + "confidences for the same samples; negative regret means a policy beat every single fixed arm "
                    + "(it may, since it can switch arms).",
            ReportWriter.COST_ACCURACY_CHART, "Each policy's accuracy against its cost reduction (against answering "
                    + "every sample at the final exit on the device). Up and to the right is better.",
            ReportWriter.MEASURED_CHART, "What the device measured at the end of the run (its smoothed cost estimates, "
                    + "as its metrics registry reports them): compute time of each block, and the link round trip "
                    + "through the emulated link. In measured cost mode these, not λ and o, drive SplitEE.",
            ReportWriter.LATENCY_CHART, "Mean time per sample by split point, from the timings in the answers: device "
                    + "compute, link (round trip and transfer) and gateway compute, averaged over every sample played "
                    + "at that arm (one answered on the device has no link or gateway time). The sample count is in "
                    + "brackets.");

    private Html() {
    }

    /** A chart's caption: the fixed text, and for the arm, regret and cost charts what this run shows. */
    static String caption(Report report, String chart) {
        String fixed = CAPTIONS.getOrDefault(chart, chart);
        PolicyRun p = report.played();
        if (chart.equals(ReportWriter.ARM_CHART)) {
            return fixed + " " + p.name() + " " + settling(p) + "."
                    + report.change().map(c -> " " + p.name() + " " + moved(p, c) + ".").orElse("");
        }
        if (chart.equals(ReportWriter.REGRET_CHART)) {
            double[] c = p.cumulativeRegret();
            if (c.length < 2 || Double.isNaN(c[c.length - 1])) {
                return fixed;
            }
            int h = c.length / 2;
            double first = c[h - 1];
            double second = c[c.length - 1] - c[h - 1];
            return fixed + String.format(Locale.ROOT, " %s: regret %.2f over the first half, %.2f over the second "
                    + "(%s).", p.name(), first, second, second < first / 2 ? "less than half: it learned"
                    : "not less than half: it did not flatten");
        }
        if (chart.equals(ReportWriter.COST_ACCURACY_CHART)) {
            return fixed + " Costs in " + report.unit() + ".";
        }
        return fixed;
    }

    /**
     * "settled on arm k after n samples" when, from sample n on, every window of {@link #settleWindow} consecutive
     * plays held at least 80 % of arm k (the most played arm of the last fifth) and at least a tenth of the run
     * remained; "did not settle" otherwise. A window, not the share of the whole rest of the run: 80 % of all plays
     * from sample 0 on can be arm k while the first thousand explored elsewhere.
     */
    static String settling(PolicyRun p) {
        List<Step> st = p.steps();
        int n = st.size();
        if (n < 10) {
            return "played too few samples to tell whether it settled";
        }
        int[] tail = new int[p.arms() + 1];
        for (int i = n - n / 5; i < n; i++) {
            tail[Math.min(st.get(i).arm(), p.arms())]++;
        }
        int k = 0;
        for (int a = 1; a < tail.length; a++) {
            if (tail[a] > tail[k]) {
                k = a;
            }
        }
        int w = settleWindow(n);
        int hits = 0;
        for (int i = n - w; i < n; i++) {
            hits += st.get(i).arm() == k ? 1 : 0;
        }
        int from = -1;
        for (int i = n - w; i >= 0; i--) { // the window [i, i + w)
            if (i < n - w) {
                hits += (st.get(i).arm() == k ? 1 : 0) - (st.get(i + w).arm() == k ? 1 : 0);
            }
            if (hits < 0.8 * w) {
                break;
            }
            if (n - i >= n / 10) {
                from = i;
            }
        }
        return from < 0 ? "did not settle (no arm took 80 % of every " + w + " plays over the last tenth of the run)"
                : "settled on arm " + k + " after " + from + " samples (" + Math.round(100.0 * countFrom(st, from, k)
                / (n - from)) + " % of the plays from there on)";
    }

    /** The window of plays {@link #settling} checks: 50, or a twentieth of the run, whichever is more, up to 200. */
    static int settleWindow(int n) {
        return Math.max(1, Math.min(n / 10, Math.max(50, Math.min(200, n / 20))));
    }

    /** Plays of the last {@value #MOVE_WINDOW} that must be the new arm for it to count as moved there (80 %). */
    static final int MOVE_WINDOW = 200;

    /**
     * Whether, and how fast, the policy moved after a change: "moved from arm p to arm k within n samples after the
     * change at sample s" when arm k (the best fixed arm of the samples after the change) was played in at least 80 %
     * of the last {@value #MOVE_WINDOW} plays n samples after it (p: the most played arm of the
     * {@value #MOVE_WINDOW} samples before it); otherwise what it did instead.
     */
    static String moved(PolicyRun p, Report.Change c) {
        List<Step> st = p.steps();
        int n = st.size();
        int at = c.sample();
        if (at < 1 || at >= n) {
            return "has no samples on both sides of the " + c.label() + " at sample " + at;
        }
        int before = mostPlayed(st, Math.max(0, at - MOVE_WINDOW), at, p.arms());
        int after = mostPlayed(st, n - Math.max(1, (n - at) / 5), n, p.arms());
        int target = c.bestArm() > 0 ? c.bestArm() : after;
        String best = c.bestArm() > 0 ? " (the best fixed arm over the samples after it)" : "";
        int reached = -1;
        int hits = 0;
        int start = Math.max(0, at - MOVE_WINDOW + 1);
        for (int i = start; i < n && reached < 0; i++) {
            hits += st.get(i).arm() == target ? 1 : 0;
            if (i - MOVE_WINDOW >= start) {
                hits -= st.get(i - MOVE_WINDOW).arm() == target ? 1 : 0;
            }
            if (i >= at && hits >= 0.8 * MOVE_WINDOW) {
                reached = i - at + 1;
            }
        }
        String where = " the " + c.label() + " at sample " + at;
        if (reached > 0 && before == target) {
            return "stayed on arm " + target + best + " across" + where;
        }
        if (reached > 0) {
            return "moved from arm " + before + " to arm " + target + best + " within " + reached + " samples after"
                    + where + " (arm " + target + " in 80 % of the last " + MOVE_WINDOW + " plays)";
        }
        if (after != before) {
            return "left arm " + before + " after" + where + " for arm " + after + " (most played over the last fifth "
                    + "after it), not for arm " + target + best;
        }
        return "did not move after" + where + ": arm " + before + " before it and most played over the last fifth"
                + (target != before ? "; arm " + target + best + " was never played in 80 % of " + MOVE_WINDOW
                + " plays" : "");
    }

    private static int mostPlayed(List<Step> st, int from, int to, int arms) {
        int[] count = new int[arms + 1];
        for (int i = from; i < to; i++) {
            count[Math.min(st.get(i).arm(), arms)]++;
        }
        int k = 0;
        for (int a = 1; a < count.length; a++) {
            if (count[a] > count[k]) {
                k = a;
            }
        }
        return k;
    }

    private static int countFrom(List<Step> st, int from, int k) {
        int c = 0;
        for (int i = from; i < st.size(); i++) {
            c += st.get(i).arm() == k ? 1 : 0;
        }
        return c;
    }

    static String page(Report report, List<Path> charts, List<Path> files, List<String> missing) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(report.title())).append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;"
                        + "margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0}"
                        + "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}td:first-child,th:first-child,"
                        + "td.l{text-align:left}th{background:#f3f3f3}tr.main td{font-weight:bold}img{max-width:100%;"
                        + "border:1px solid #ddd}figcaption{color:#555;margin:.3em 0 2em}</style></head><body>\n");
        b.append("<h1>").append(esc(report.title())).append("</h1>\n<h2>Settings</h2>\n<table>\n");
        report.settings().forEach((k, v) -> b.append("<tr><th>").append(esc(k)).append("</th><td class=\"l\">")
                .append(esc(v)).append("</td></tr>\n"));
        b.append("</table>\n<h2>Comparison</h2>\n<p>Every row's cost is in ").append(esc(report.unit()))
                .append(".</p>\n<table>\n<tr><th>policy</th><th>answered</th><th>accuracy</th>"
                + "<th>vs final exit</th><th>cost reduction</th><th>offloaded</th><th>most played arm</th><th>mean arm</th>"
                + "<th>regret</th><th>how</th></tr>\n");
        OptionalDouble fin = report.finalExit().map(PolicyRun::accuracy).orElse(OptionalDouble.empty());
        boolean first = true;
        for (PolicyRun r : report.all()) {
            OptionalDouble acc = r.accuracy();
            b.append(first ? "<tr class=\"main\">" : "<tr>").append("<td>").append(esc(r.name())).append("</td><td>")
                    .append(r.samples()).append(r.unanswered() > 0 ? " (+" + r.unanswered() + " unanswered)" : "")
                    .append("</td><td>").append(acc.isPresent() ? SummaryTable.percent(acc.getAsDouble()) : "-")
                    .append("</td><td>").append(acc.isPresent() && fin.isPresent()
                            ? String.format(Locale.ROOT, "%+.2f pp", 100 * (acc.getAsDouble() - fin.getAsDouble())) : "-")
                    .append("</td><td>").append(SummaryTable.percent(r.costReduction())).append("</td><td>")
                    .append(SummaryTable.percent(r.offloadShare())).append("</td><td>").append(r.mostPlayedArm())
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", r.meanArm())).append("</td><td>")
                    .append(Double.isNaN(r.regret()) ? "-" : String.format(Locale.ROOT, "%.3f", r.regret()))
                    .append("</td><td class=\"l\">").append(esc(r.description())).append("</td></tr>\n");
            first = false;
        }
        b.append("</table>\n");
        if (!report.notes().isEmpty()) {
            b.append("<ul>\n");
            report.notes().forEach(n -> b.append("<li>").append(esc(n)).append("</li>\n"));
            b.append("</ul>\n");
        }
        b.append("<h2>Charts</h2>\n");
        for (Path c : charts) {
            String name = c.getFileName().toString();
            b.append("<figure><img src=\"").append(esc(name)).append("\" alt=\"").append(esc(name)).append("\">")
                    .append("<figcaption>").append(esc(caption(report, name))).append("</figcaption></figure>\n");
        }
        if (!missing.isEmpty()) {
            b.append("<p>Left out:</p><ul>\n");
            missing.forEach(m -> b.append("<li>").append(esc(m)).append("</li>\n"));
            b.append("</ul>\n");
        }
        b.append("<h2>Data</h2>\n<ul>\n");
        for (Path f : files) {
            String name = f.getFileName().toString();
            b.append("<li><a href=\"").append(esc(name)).append("\">").append(esc(name)).append("</a></li>\n");
        }
        b.append("</ul>\n</body></html>\n");
        return b.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
