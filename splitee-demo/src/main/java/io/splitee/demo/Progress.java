package io.splitee.demo;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The demo's progress line: rewritten in place on a terminal (at most 5 times a second), a plain
 * line every second otherwise (logs, CI, pipes).
 */
final class Progress {
    /**
     * What the line shows.
     *
     * @param done          samples answered
     * @param total         samples to answer
     * @param perSecond     answers per second since the first sample was sent
     * @param accuracy      running accuracy (NaN before the first answer)
     * @param costReduction running paper-cost reduction against the final exit on the device
     * @param offloadShare  running share offloaded
     * @param lastArm       the arm of the most recent answer (-1 before the first)
     */
    record Snapshot(int done, int total, double perSecond, double accuracy, double costReduction, double offloadShare,
                    int lastArm) {
    }

    private final PrintWriter out;
    private final boolean tty;
    private long lastPrint;
    private int lastLength;

    Progress(PrintWriter out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    static String line(Snapshot s) {
        return String.format(Locale.ROOT, "%5d/%d samples  %6.1f/s  accuracy %s  cost saved %s  offloaded %s  arm %s",
                s.done(), s.total(), s.perSecond(), pct(s.accuracy()), pct(s.costReduction()), pct(s.offloadShare()),
                s.lastArm() < 0 ? "-" : Integer.toString(s.lastArm()));
    }

    private static String pct(double f) {
        return Double.isFinite(f) ? String.format(Locale.ROOT, "%5.1f %%", 100 * f) : "   - %";
    }

    /** Shows the snapshot if it is time to (or always when {@code force}). */
    void show(Snapshot s, boolean force) {
        long now = System.nanoTime();
        long every = tty ? 200_000_000L : 1_000_000_000L;
        if (!force && now - lastPrint < every) {
            return;
        }
        lastPrint = now;
        String l = line(s);
        if (tty) {
            out.print("\r" + l + " ".repeat(Math.max(0, lastLength - l.length())));
            lastLength = l.length();
        } else {
            out.println(l);
        }
        out.flush();
    }

    /** Ends the line on a terminal. */
    void finish() {
        if (tty && lastLength > 0) {
            out.println();
            out.flush();
        }
    }
}
