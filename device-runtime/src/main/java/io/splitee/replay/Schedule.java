package io.splitee.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A replay of change: a stream of samples made of traces that follow each other at given samples,
 * each shuffled and repeated as needed, and cost changes at given samples. Immutable once built.
 *
 * <ul>
 *   <li>The first trace starts at sample 0; {@link #then} starts another at sample N (0-based: the
 *       first N samples come from what came before). Without a length the stream ends where the
 *       last trace's samples run out, and a trace must have its N samples before the next starts.</li>
 *   <li>{@link #repeatTo} sets the length: every trace repeats (a new pass when its samples run out)
 *       until the next one starts or the stream ends.</li>
 *   <li>With a shuffle seed each pass of each trace is a fresh permutation (Fisher-Yates over
 *       SplitMix64 seeded with the seed and the segment's number), the same on every machine.</li>
 *   <li>{@link #change} records a cost change at sample N ({@code lambda} or {@code offload-cost}
 *       in paper mode; see {@link ScheduledCost}).</li>
 * </ul>
 * Every error is an {@link IllegalArgumentException} of one line naming the problem.
 */
public final class Schedule {

    /** The cost keys a change may set (paper mode). */
    public static final List<String> CHANGE_KEYS = List.of("lambda", "offload-cost");

    /** The keys a measured-mode change may set: the link profile and the board's slowdown factor. */
    public static final List<String> MEASURED_KEYS = List.of("link", "board-slowdown");

    /**
     * A measured-mode change: from 0-based sample {@code at} on, {@code key} ({@code link}: a link
     * profile as {@code --link} takes it; {@code board-slowdown}: a factor &gt; 0) is {@code value};
     * {@link MeasuredReplay} parses the value.
     */
    public record MeasuredChange(int at, String key, String value) {
        /** Validates the key and the sample. */
        public MeasuredChange {
            if (!MEASURED_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown measured-mode key '" + key + "' at sample " + at
                        + " (expected one of " + String.join(", ", MEASURED_KEYS) + ")");
            }
            Objects.requireNonNull(value, "value");
            if (at < 1) {
                throw new IllegalArgumentException(key + "@" + at + ": a change must be at sample >= 1");
            }
        }
    }

    /** A trace that starts at 0-based sample {@code start}. */
    record Segment(Trace trace, int start) {
    }

    /** A cost change: from 0-based sample {@code at} on, {@code key} is {@code value}. */
    public record Change(int at, String key, double value) {
    }

    private final List<Segment> segments = new ArrayList<>();
    private final List<Change> changes = new ArrayList<>();
    private final List<MeasuredChange> measured = new ArrayList<>();
    private Integer length;
    private Long seed;

    private Schedule(Trace first) {
        segments.add(new Segment(Objects.requireNonNull(first, "first"), 0));
    }

    /** A schedule that starts with {@code first}. */
    public static Schedule of(Trace first) {
        return new Schedule(first);
    }

    /**
     * {@code next} starts at 0-based sample {@code at}.
     *
     * @throws IllegalArgumentException when {@code at} is not after the previous start, or the
     *                                  exits disagree
     */
    public Schedule then(Trace next, int at) {
        Segment last = segments.get(segments.size() - 1);
        if (next.exits() != last.trace().exits()) {
            throw new IllegalArgumentException("trace " + next.name() + " has " + next.exits() + " exits, "
                    + last.trace().name() + " " + last.trace().exits());
        }
        if (at <= last.start()) {
            throw new IllegalArgumentException("trace " + next.name() + "@" + at + ": must start after sample "
                    + last.start() + " (where " + last.trace().name() + " starts)");
        }
        segments.add(new Segment(next, at));
        return this;
    }

    /** Repeats the traces to {@code samples} samples in all. */
    public Schedule repeatTo(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("the length must be >= 1, got " + samples);
        }
        this.length = samples;
        return this;
    }

    /** Shuffles every pass of every trace with {@code seed}. */
    public Schedule shuffle(long seed) {
        this.seed = seed;
        return this;
    }

    /** From 0-based sample {@code at} on, cost {@code key} is {@code value}. */
    public Schedule change(int at, String key, double value) {
        if (!CHANGE_KEYS.contains(key)) {
            throw new IllegalArgumentException("unknown cost key '" + key + "' at sample " + at + " (expected one of "
                    + String.join(", ", CHANGE_KEYS) + ")");
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(key + "@" + at + " must be a finite number >= 0, got " + value);
        }
        if (at < 1) {
            throw new IllegalArgumentException(key + "@" + at + ": a change must be at sample >= 1");
        }
        changes.add(new Change(at, key, value));
        return this;
    }

    /** From 0-based sample {@code at} on, the measured-mode {@code key} (link, board-slowdown) is {@code value}. */
    public Schedule changeMeasured(int at, String key, String value) {
        measured.add(new MeasuredChange(at, key, value));
        return this;
    }

    /** The measured-mode changes, in order of sample (stable). */
    public List<MeasuredChange> measuredChanges() {
        List<MeasuredChange> c = new ArrayList<>(measured);
        c.sort((a, b) -> Integer.compare(a.at(), b.at()));
        return c;
    }

    /** The cost changes, in order of sample (stable). */
    public List<Change> changes() {
        List<Change> c = new ArrayList<>(changes);
        c.sort((a, b) -> Integer.compare(a.at(), b.at()));
        return c;
    }

    /** The 0-based samples where something changes: every trace after the first, every cost change. */
    public List<Integer> changePoints() {
        java.util.TreeSet<Integer> points = new java.util.TreeSet<>();
        for (int i = 1; i < segments.size(); i++) {
            points.add(segments.get(i).start());
        }
        changes.forEach(c -> points.add(c.at()));
        measured.forEach(c -> points.add(c.at()));
        return List.copyOf(points);
    }

    /**
     * The stream, materialized as one trace.
     *
     * @throws IllegalArgumentException when a trace or change starts past the end of the stream
     */
    public Trace stream() {
        int n = samples();
        for (Change c : changes) {
            if (c.at() >= n) {
                throw new IllegalArgumentException(c.key() + "@" + c.at() + ": sample " + c.at()
                        + " is past the end of the stream (" + n + " samples)");
            }
        }
        for (MeasuredChange c : measured) {
            if (c.at() >= n) {
                throw new IllegalArgumentException(c.key() + "@" + c.at() + ": sample " + c.at()
                        + " is past the end of the stream (" + n + " samples)");
            }
        }
        Trace first = segments.get(0).trace();
        int l = first.exits();
        boolean labels = segments.stream().allMatch(s -> s.trace().hasLabels());
        double[] conf = new double[n * l];
        int[] pred = new int[n * l];
        int[] lab = labels ? new int[n] : null;
        StringBuilder name = new StringBuilder();
        for (int k = 0; k < segments.size(); k++) {
            Segment seg = segments.get(k);
            int end = k + 1 < segments.size() ? segments.get(k + 1).start() : n;
            Trace t = seg.trace();
            name.append(k == 0 ? "" : " then ").append(t.name()).append(k == 0 ? "" : "@" + seg.start());
            long[] rng = {seed == null ? 0 : seed ^ (0x9E3779B97F4A7C15L * (k + 1))};
            int[] order = identity(t.samples());
            for (int s = seg.start(), i = t.samples(); s < end; s++, i++) {
                if (i == t.samples()) {
                    i = 0;
                    if (seed != null) {
                        shuffle(order, rng);
                    }
                }
                int row = order[i];
                for (int e = 1; e <= l; e++) {
                    conf[s * l + e - 1] = t.confidence(row, e);
                    pred[s * l + e - 1] = t.prediction(row, e);
                }
                if (lab != null) {
                    lab[s] = t.label(row);
                }
            }
        }
        if (length != null || seed != null) {
            name.append(" (").append(n).append(" samples").append(seed == null ? "" : ", shuffle seed " + seed)
                    .append(')');
        }
        return new Trace(name.toString(), n, l, conf, pred, lab);
    }

    /** The stream's length: {@link #repeatTo} when given, else where the last trace runs out (checked). */
    public int samples() {
        if (length != null) {
            Segment last = segments.get(segments.size() - 1);
            if (last.start() >= length) {
                throw new IllegalArgumentException("trace " + last.trace().name() + "@" + last.start() + ": sample "
                        + last.start() + " is past the end of the stream (" + length + " samples)");
            }
            return length;
        }
        for (int k = 1; k < segments.size(); k++) {
            Segment prev = segments.get(k - 1);
            Segment seg = segments.get(k);
            if (seg.start() > prev.start() + prev.trace().samples()) {
                throw new IllegalArgumentException("trace " + seg.trace().name() + "@" + seg.start() + ": sample "
                        + seg.start() + " is past the end of trace " + prev.trace().name() + " ("
                        + prev.trace().samples() + " samples from sample " + prev.start()
                        + "; give a length to repeat it)");
            }
        }
        Segment last = segments.get(segments.size() - 1);
        long n = (long) last.start() + last.trace().samples();
        if (n > Integer.MAX_VALUE / Math.max(1, last.trace().exits())) {
            throw new IllegalArgumentException("the stream is too long (" + n + " samples)");
        }
        return (int) n;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void shuffle(int[] a, long[] state) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(next(state), i + 1L);
            int x = a[i];
            a[i] = a[j];
            a[j] = x;
        }
    }

    /** SplitMix64. */
    private static long next(long[] state) {
        long z = state[0] += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
