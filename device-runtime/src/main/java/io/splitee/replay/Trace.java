package io.splitee.replay;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A recorded trace: for each sample, C_1..C_L and pred_1..pred_L, and optionally the label.
 * Immutable.
 *
 * <p>File format ({@link #read}): CSV with a header naming the columns {@code conf_1..conf_L},
 * {@code pred_1..pred_L} and optionally {@code label}, in any order; other columns are ignored.
 * Confidences are numbers in [0, 1]; predictions and labels are integers. A name ending in
 * {@code .gz} is read as gzip. Samples are replayed in file order.
 */
public final class Trace {

    private final String name;
    private final int samples;
    private final int exits;
    private final double[] confidences; // samples × exits, row-major
    private final int[] predictions;    // samples × exits, row-major
    private final int[] labels;         // null when absent

    Trace(String name, int samples, int exits, double[] confidences, int[] predictions, int[] labels) {
        this.name = name;
        this.samples = samples;
        this.exits = exits;
        this.confidences = confidences;
        this.predictions = predictions;
        this.labels = labels;
    }

    /**
     * Reads and validates a whole trace file.
     *
     * @throws TraceException naming the file, line and column of the first problem
     */
    public static Trace read(Path file) throws TraceException {
        return TraceReader.read(file);
    }

    /**
     * A trace from arrays (tests, benchmarks). {@code confidences[s][i]} is C_{i+1} of sample s.
     *
     * @param labels one per sample, or null when unknown
     * @throws IllegalArgumentException if the shapes disagree or a confidence is outside [0, 1]
     */
    public static Trace of(String name, double[][] confidences, int[][] predictions, int[] labels) {
        Objects.requireNonNull(name, "name");
        int n = confidences.length;
        if (n == 0) {
            throw new IllegalArgumentException("a trace needs at least one sample");
        }
        int l = confidences[0].length;
        if (l == 0) {
            throw new IllegalArgumentException("a trace needs at least one exit");
        }
        if (predictions.length != n || (labels != null && labels.length != n)) {
            throw new IllegalArgumentException("confidences, predictions and labels must have one row per sample");
        }
        double[] conf = new double[n * l];
        int[] pred = new int[n * l];
        for (int s = 0; s < n; s++) {
            if (confidences[s].length != l || predictions[s].length != l) {
                throw new IllegalArgumentException("sample " + (s + 1) + " must have " + l + " confidences and predictions");
            }
            for (int i = 0; i < l; i++) {
                double c = confidences[s][i];
                if (!(c >= 0 && c <= 1)) {
                    throw new IllegalArgumentException("sample " + (s + 1) + " conf_" + (i + 1) + " = " + c + " is outside [0, 1]");
                }
                conf[s * l + i] = c;
                pred[s * l + i] = predictions[s][i];
            }
        }
        return new Trace(name, n, l, conf, pred, labels == null ? null : labels.clone());
    }

    /** The file name (or the name given to {@link #of}). */
    public String name() {
        return name;
    }

    /** The number of samples. */
    public int samples() {
        return samples;
    }

    /** The number of exits L. */
    public int exits() {
        return exits;
    }

    /** Whether the trace carries labels. */
    public boolean hasLabels() {
        return labels != null;
    }

    /** C_exit of a 0-based sample, 1-based exit. */
    public double confidence(int sample, int exit) {
        return confidences[sample * exits + exit - 1];
    }

    /** pred_exit of a 0-based sample, 1-based exit. */
    public int prediction(int sample, int exit) {
        return predictions[sample * exits + exit - 1];
    }

    /** The label of a 0-based sample. */
    public int label(int sample) {
        if (labels == null) {
            throw new IllegalStateException("trace " + name + " has no labels");
        }
        return labels[sample];
    }

    /** C_1..C_L of a 0-based sample, as a new array. */
    public double[] confidences(int sample) {
        double[] row = new double[exits];
        System.arraycopy(confidences, sample * exits, row, 0, exits);
        return row;
    }

    @Override
    public String toString() {
        return "Trace[" + name + ", " + samples + " samples, " + exits + " exits" + (labels == null ? "" : ", labelled") + "]";
    }
}
