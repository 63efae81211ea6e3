package io.splitee.demo.report;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One policy's run over a sequence of samples, and the numbers the report shows for it.
 *
 * @param name        short name for tables and legends, e.g. {@code splitee (live)}
 * @param description how it was obtained, one sentence
 * @param arms        the number of arms L
 * @param fullCost    the paper cost of one sample at the final exit on the device, λ·L
 * @param steps       what happened to each sample, in the order played
 * @param unanswered  samples that got no usable answer (live runs: error, overloaded or none)
 * @param unit        what its costs are ({@link Pricing#unit()}): every row of one report has the same
 */
record PolicyRun(String name, String description, int arms, double fullCost, List<Step> steps,
                        int unanswered, String unit) {

    /** A run whose costs are in unnamed units (tests and synthetic data). */
    PolicyRun(String name, String description, int arms, double fullCost, List<Step> steps, int unanswered) {
        this(name, description, arms, fullCost, steps, unanswered, "unnamed units");
    }

    /** Validates and copies. */
    public PolicyRun {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (arms < 1) {
            throw new IllegalArgumentException("arms must be >= 1, got " + arms);
        }
        Objects.requireNonNull(unit, "unit");
        steps = List.copyOf(steps);
        if (unanswered < 0) {
            throw new IllegalArgumentException("unanswered must be >= 0, got " + unanswered);
        }
    }

    /** Samples with an answer. */
    public int samples() {
        return steps.size();
    }

    /** Fraction answered correctly among the labelled steps; empty when none is labelled. */
    public OptionalDouble accuracy() {
        long n = steps.stream().filter(Step::labelled).count();
        if (n == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((double) steps.stream().filter(Step::correct).count() / n);
    }

    /** Summed cost, in {@link #unit()}. */
    public double cost() {
        return steps.stream().mapToDouble(Step::cost).sum();
    }

    /** 1 − cost / (samples · λ·L): the saving against answering every sample at the final exit on the device. */
    public double costReduction() {
        double full = fullCost * steps.size();
        return full == 0 ? Double.NaN : 1 - cost() / full;
    }

    /** Samples offloaded. */
    public long offloaded() {
        return steps.stream().filter(Step::offloaded).count();
    }

    /** Fraction of samples offloaded (NaN with no sample). */
    public double offloadShare() {
        return steps.isEmpty() ? Double.NaN : (double) offloaded() / steps.size();
    }

    /** How often each arm was played; index 0 is arm 0 (the raw sample), index L is arm L. */
    public long[] armCounts() {
        long[] c = new long[arms + 1];
        for (Step s : steps) {
            if (s.arm() <= arms) {
                c[s.arm()]++;
            }
        }
        return c;
    }

    /** The arm played most often (the lowest on ties); 0 with no sample. */
    public int mostPlayedArm() {
        long[] c = armCounts();
        int best = 0;
        for (int a = 1; a < c.length; a++) {
            if (c[a] > c[best]) {
                best = a;
            }
        }
        return best;
    }

    /** Mean arm (NaN with no sample). */
    public double meanArm() {
        return steps.stream().mapToInt(Step::arm).average().orElse(Double.NaN);
    }

    /** Whether every step has a reward (a trace row), so regret is defined. */
    public boolean hasRewards() {
        return !steps.isEmpty() && steps.stream().allMatch(s -> !Double.isNaN(s.reward()) && !Double.isNaN(s.bestReward()));
    }

    /** Cumulative regret against the best fixed arm after each sample; empty when rewards are unknown. */
    public double[] cumulativeRegret() {
        if (!hasRewards()) {
            return new double[0];
        }
        double[] out = new double[steps.size()];
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            Step s = steps.get(i);
            sum += s.bestReward() - s.reward();
            out[i] = sum;
        }
        return out;
    }

    /** Total regret against the best fixed arm; NaN when rewards are unknown. */
    public double regret() {
        double[] c = cumulativeRegret();
        return c.length == 0 ? Double.NaN : c[c.length - 1];
    }
}
