package io.splitee.demo.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/** The report's index.html: settings, the comparison table, every chart with a caption, the data files. */
final class Html {
    private static final Map<String, String> CAPTIONS = Map.of(
            ReportWriter.ARM_CHART, "The split point (arm) played on each sample, with its running mean. SplitEE "
                    + "explores every arm at first, then settles where the reward (confidence minus cost) is highest.",
            ReportWriter.REGRET_CHART, "Cumulative regret against the best fixed arm in hindsight, from the trace's "
                    + "confidences for the same samples. A policy that learns flattens out; negative regret means it "
                    + "beat every single fixed arm (it may, since it can switch arms).",
            ReportWriter.COST_ACCURACY_CHART, "Each policy's accuracy against its cost reduction (paper cost λ·arm + o "
                    + "when offloaded, against answering every sample at the final exit on the device). Up and to the "
                    + "right is better.",
            ReportWriter.MEASURED_CHART, "What the device measured at the end of the run (its smoothed cost estimates, "
                    + "as its metrics registry reports them): compute time of each block, and the link round trip "
                    + "through the emulated link. In measured cost mode these, not λ and o, drive SplitEE.",
            ReportWriter.LATENCY_CHART, "Mean time per sample by split point, from the timings in the answers: device "
                    + "compute, link (round trip and transfer) and gateway compute, averaged over every sample played "
                    + "at that arm (one answered on the device has no link or gateway time). The sample count is in "
                    + "brackets.");

    private Html() {
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
        b.append("</table>\n<h2>Comparison</h2>\n<table>\n<tr><th>policy</th><th>answered</th><th>accuracy</th>"
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
                    .append("<figcaption>").append(esc(CAPTIONS.getOrDefault(name, name))).append("</figcaption></figure>\n");
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
