package io.splitee.demo.report;

import io.splitee.replay.Trace;
import io.splitee.wire.ResultMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * The demo's report: the run it is about (a live device's answers, or a policy replayed on a trace),
 * the baselines replayed on the same samples, the device's measured costs, and the run's settings and
 * caveats. Built with {@link #builder}; shown as a text table ({@link #summary}) and written as a
 * folder of charts, CSV, JSON and {@code index.html} ({@link #write}). Immutable.
 */
public final class Report {
    private final String title;
    private final Map<String, String> settings;
    private final PolicyRun played;
    private final List<PolicyRun> baselines;
    private final Optional<Measured> measured;
    private final List<String> notes;
    private final Change change;

    /**
     * A change in the middle of the run (e.g. the link dropping).
     *
     * @param sample   0-based index of the first sample after it
     * @param label    what changed, for the chart's legend
     * @param bestArm  the best fixed arm in hindsight over the samples from {@code sample} on (0: unknown)
     */
    record Change(int sample, String label, int bestArm) {
    }

    /**
     * @param title     one line, e.g. {@code SplitEE demo: 1000 Fashion-MNIST test images, clean, wifi link}
     * @param settings  the run's parameters, in display order
     * @param played    the run the report is about (the live device, or the replayed policy)
     * @param baselines the comparison, replayed on the same samples (may be empty)
     * @param measured  the device's cost measurements, if the run had a device
     * @param notes     caveats shown under the table, one sentence each
     */
    Report(String title, Map<String, String> settings, PolicyRun played, List<PolicyRun> baselines,
           Optional<Measured> measured, List<String> notes) {
        this(title, settings, played, baselines, measured, notes, null);
    }

    Report(String title, Map<String, String> settings, PolicyRun played, List<PolicyRun> baselines,
           Optional<Measured> measured, List<String> notes, Change change) {
        this.change = change;
        this.title = Objects.requireNonNull(title, "title");
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        this.played = Objects.requireNonNull(played, "played");
        this.baselines = List.copyOf(baselines);
        this.measured = Objects.requireNonNull(measured, "measured");
        this.notes = List.copyOf(notes);
        for (PolicyRun r : this.baselines) {
            if (!r.unit().equals(played.unit())) {
                throw new IllegalArgumentException("every row of a report must be priced the same way: " + played.name()
                        + " is in " + played.unit() + ", " + r.name() + " in " + r.unit());
            }
        }
    }

    /** The change in the middle of the run, if there was one. */
    Optional<Change> change() {
        return Optional.ofNullable(change);
    }

    /** What every row's cost is in. */
    String unit() {
        return played.unit();
    }

    /**
     * Starts a report.
     *
     * @param title     one line, e.g. {@code SplitEE demo: 1000 Fashion-MNIST test images, clean, wifi link}
     * @param yardstick the paper cost and threshold every policy in it is measured with
     */
    public static Builder builder(String title, Settings yardstick) {
        return new Builder(title, yardstick);
    }

    /** The comparison as a fixed-width text table, one row per run (for the terminal). */
    public String summary() {
        return SummaryTable.render(this);
    }

    /**
     * Writes the report into {@code dir} (created if needed; files of the same names are replaced): PNG
     * charts, the numbers behind them (CSV and JSON) and an {@code index.html} that shows them all.
     *
     * @param attachments files already in {@code dir} (such as the demo's {@code results.jsonl}) to list
     *                    among the data files
     * @return the {@code index.html} written
     * @throws IOException when a file cannot be written
     */
    public Path write(Path dir, List<Path> attachments) throws IOException {
        return new ReportWriter().write(this, dir, attachments).index();
    }

    String title() {
        return title;
    }

    Map<String, String> settings() {
        return settings;
    }

    PolicyRun played() {
        return played;
    }

    List<PolicyRun> baselines() {
        return baselines;
    }

    Optional<Measured> measured() {
        return measured;
    }

    List<String> notes() {
        return notes;
    }

    /** The played run first, then the baselines. */
    List<PolicyRun> all() {
        List<PolicyRun> l = new ArrayList<>();
        l.add(played);
        l.addAll(baselines);
        return l;
    }

    /** The baseline answering every sample at the final exit, if present. */
    Optional<PolicyRun> finalExit() {
        return baselines.stream().filter(r -> r.name().equals("final exit")).findFirst();
    }

    /**
     * What a report shows, given piece by piece: settings and notes in display order, the trace the
     * baselines are replayed on, and the run the report is about, either a policy replayed on the trace
     * ({@link #replay}) or a device's answers ({@link #answer}, then {@link #live}).
     */
    public static final class Builder {
        private final String title;
        private Settings yardstick;
        private final Map<String, String> shown = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private final List<LiveRun.Answer> answers = new ArrayList<>();
        private Optional<Measured> measured = Optional.empty();
        private Baselines baselines;
        private PolicyRun played;
        private String replayed;
        private int changeAt = -1;
        private String changeLabel;
        /** The live policy evaluates every exit head on the way to its arm (early exit, leave=first). */
        private boolean liveEveryExit;
        /** The live policy's arms leave at the first confident exit (leave=first). */
        private boolean liveLeavesFirst;

        private Builder(String title, Settings yardstick) {
            this.title = Objects.requireNonNull(title, "title");
            this.yardstick = Objects.requireNonNull(yardstick, "yardstick");
        }

        /** One line of the settings the report shows, e.g. {@code ("broker", "tcp://…")}. */
        public Builder show(String name, String value) {
            shown.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * A change in the middle of the run: marked on the arm chart, and its caption says whether and how fast the
         * played policy moved to the best fixed arm of the samples after it.
         *
         * @param sample 0-based index of the first sample after the change
         * @param label  what changed, e.g. {@code link drop to lte}
         */
        public Builder change(int sample, String label) {
            if (sample < 0) {
                throw new IllegalArgumentException("change: sample must be >= 0, got " + sample);
            }
            changeAt = sample;
            changeLabel = Objects.requireNonNull(label, "label");
            return this;
        }

        /** A caveat shown under the table, one sentence. */
        public Builder note(String sentence) {
            notes.add(Objects.requireNonNull(sentence, "sentence"));
            return this;
        }

        /**
         * The device's own cost estimates at the end of the run (its metrics registry's
         * {@code splitee.device.cost.*}).
         *
         * @param source               where the numbers come from, for the report
         * @param blockMs              smoothed compute time of each block on the device, index 0 = block 1
         * @param roundTripMs          smoothed link round trip (without the gateway's compute)
         * @param throughputBytesPerMs smoothed link throughput
         */
        public Builder measured(String source, double[] blockMs, double roundTripMs, double throughputBytesPerMs) {
            measured = Optional.of(new Measured(source, blockMs, roundTripMs, throughputBytesPerMs));
            return this;
        }

        /**
         * The trace the baselines (SplitEE, SplitEE-S, the final exit, offload-all, early exit, random, the
         * best fixed arm) are replayed on, and that rewards, regret and labels come from.
         *
         * @param trace the whole trace (one row per shipped sample)
         * @param rows  0-based rows of the samples, in the order they were played (repeats allowed)
         * @throws IllegalArgumentException if a row is outside the trace or there is none
         */
        public Builder trace(Trace trace, int[] rows) {
            baselines = Baselines.of(trace, rows, yardstick, liveLeavesFirst);
            return this;
        }

        /**
         * The live device's policy spec, before {@link #trace}: a policy that evaluates every exit head on the way
         * (early exit, {@code leave=first}) has its live row priced so, and one whose arms leave at the first
         * confident exit ({@code leave=first}) is compared with the best such arm in hindsight (and the plain one).
         *
         * @throws IllegalStateException after {@link #trace}
         * @throws IllegalArgumentException for a spec the engine does not accept
         */
        public Builder livePolicy(String spec) {
            if (baselines != null) {
                throw new IllegalStateException("the live policy must be given before the trace");
            }
            io.splitee.engine.PolicySpec p = io.splitee.engine.PolicySpec.parse(spec);
            liveEveryExit = p.has(io.splitee.engine.Characteristic.EVALUATES_EVERY_EXIT);
            liveLeavesFirst = p.leavesAtFirstExit();
            return this;
        }

        /**
         * Prices every row with {@code p} instead of the yardstick's paper cost; before {@link #trace}.
         *
         * @throws IllegalStateException after {@link #trace}
         */
        public Builder pricing(Pricing p) {
            if (baselines != null) {
                throw new IllegalStateException("pricing must be given before the trace");
            }
            yardstick = yardstick.withPricing(p);
            return this;
        }

        /**
         * The report is about a policy replayed on the trace (which its baselines then leave out).
         *
         * @param policySpec an engine policy spec, e.g. {@code splitee-s}
         * @param name       its name in the report
         * @param description how it was obtained, one sentence
         * @throws IllegalStateException if no trace was given
         * @throws IllegalArgumentException if the policy spec is not valid for the trace
         */
        public Builder replay(String policySpec, String name, String description) {
            if (baselines == null) {
                throw new IllegalStateException("a replay needs the trace first");
            }
            played = baselines.replay(policySpec, name, description);
            replayed = policySpec;
            return this;
        }

        /**
         * One of the device's answers, in the order the device played them.
         *
         * @param message the result message
         * @param row     the sample's row in the trace (its index among the shipped samples), or -1 when unknown
         */
        public Builder answer(ResultMessage message, int row) {
            answers.add(new LiveRun.Answer(message, row));
            return this;
        }

        /**
         * The report is about the device's answers given so far, scored on the trace given so far (without
         * one there are no rewards, and labels come from {@code labelOf}). An answer counts as offloaded
         * when the device sent the sample on, or meant to and finished it itself; answers without a
         * prediction ({@code error}, {@code overloaded}) count as unanswered.
         *
         * @param name        its name in the report, e.g. {@code splitee (live)}
         * @param description how it was obtained, one sentence
         * @param arms        the number of arms L
         * @param labelOf     the label of a row when there is no trace (or -1)
         * @param missing     samples sent that got no answer at all
         */
        public Builder live(String name, String description, int arms, IntUnaryOperator labelOf, int missing) {
            played = LiveRun.of(name, description, arms, yardstick, answers, baselines, labelOf, missing, liveEveryExit);
            replayed = null;
            return this;
        }

        /**
         * The report.
         *
         * @throws IllegalStateException if neither {@link #replay} nor {@link #live} said what it is about
         */
        public Report build() {
            if (played == null) {
                throw new IllegalStateException("a report needs its run: replay(...) or live(...)");
            }
            Change change = changeAt < 0 ? null : new Change(changeAt, changeLabel,
                    baselines == null || changeAt >= baselines.samples() ? 0 : baselines.bestFixedArm(changeAt));
            return new Report(title, shown, played, baselines == null ? List.of() : baselines.standard(replayed),
                    measured, notes, change);
        }
    }
}
