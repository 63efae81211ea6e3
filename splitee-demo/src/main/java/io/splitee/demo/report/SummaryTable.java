package io.splitee.demo.report;

import java.util.Locale;
import java.util.OptionalDouble;

/** The report's comparison as a fixed-width text table (for the terminal). */
final class SummaryTable {

    /** The widest policy name shown whole (e.g. {@code best fixed, leave at first exit (12)}). */
    static final int NAME_WIDTH = 40;

    private SummaryTable() {
    }

    /** The table, one row per run, with a header and the notes under it. */
    public static String render(Report report) {
        OptionalDouble fin = report.finalExit().map(PolicyRun::accuracy).orElse(OptionalDouble.empty());
        StringBuilder b = new StringBuilder();
        int width = 26;
        for (PolicyRun r : report.all()) {
            width = Math.max(width, Math.min(NAME_WIDTH, r.name().length()));
        }
        String fmt = "%-" + width + "s %8s %9s %9s %10s %10s %11s %10s%n";
        b.append("every row priced in ").append(report.unit()).append('\n');
        b.append(String.format(Locale.ROOT, fmt, "policy", "answered", "accuracy", "vs final", "cost red.",
                "offloaded", "arm mode/μ", "regret"));
        for (PolicyRun r : report.all()) {
            OptionalDouble acc = r.accuracy();
            String delta = acc.isPresent() && fin.isPresent()
                    ? String.format(Locale.ROOT, "%+.2f pp", 100 * (acc.getAsDouble() - fin.getAsDouble())) : "-";
            b.append(String.format(Locale.ROOT, fmt, cut(r.name(), width), r.samples()
                            + (r.unanswered() > 0 ? "+" + r.unanswered() + "!" : ""),
                    acc.isPresent() ? percent(acc.getAsDouble()) : "-", delta, percent(r.costReduction()),
                    percent(r.offloadShare()),
                    r.samples() == 0 ? "-" : String.format(Locale.ROOT, "%d / %.1f", r.mostPlayedArm(), r.meanArm()),
                    Double.isNaN(r.regret()) ? "-" : String.format(Locale.ROOT, "%.3f", r.regret())));
        }
        return b.toString();
    }

    static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f %%", 100 * fraction) : "-";
    }

    /**
     * {@code s} in at most {@code n} characters: cut with an ellipsis, keeping a closing {@code " (live)"},
     * {@code " (replay)"} or other parenthesised suffix whole, so that a long live spec still reads as the live row.
     */
    static String cut(String s, int n) {
        if (s.length() <= n) {
            return s;
        }
        int open = s.endsWith(")") ? s.lastIndexOf(" (") : -1;
        String suffix = open > 0 ? s.substring(open) : "";
        if (suffix.isEmpty() || suffix.length() + 2 > n) {
            return s.substring(0, n - 1) + "…";
        }
        return s.substring(0, n - 1 - suffix.length()) + "…" + suffix;
    }
}
