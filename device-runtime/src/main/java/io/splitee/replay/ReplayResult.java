package io.splitee.replay;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one policy did over one trace.
 *
 * @param policy           the policy spec
 * @param samples          samples replayed
 * @param costs            what the choices cost, and what answering everything on the device would have
 * @param play             which arms were played, and how that compares with the best fixed arm
 * @param accuracies       how often the answers matched the labels (empty without labels)
 * @param cumulativeRegret regret against {@code bestFixedArm} over the first n samples, for each
 *                         requested checkpoint n ≤ samples
 */
public record ReplayResult(String policy, int samples, Costs costs, Play play, Accuracies accuracies,
                           SortedMap<Integer, Double> cumulativeRegret) {

    /**
     * What the choices cost.
     *
     * @param cost     summed cost of the choices (cost model units)
     * @param fullCost the cost of answering every sample at the final exit on the device,
     *                 samples · cost(L) (with the paper's model samples·λ·L)
     */
    public record Costs(double cost, double fullCost) {
    }

    /**
     * Which arms were played.
     *
     * @param arms         L
     * @param armCounts    how often each arm was played, index 0 = arm 1 (side updates not
     *                     counted; for early-exit, the exit where the sample stopped)
     * @param offloaded    samples offloaded to the gateway
     * @param bestFixedArm the 1-based arm with the largest summed reward over the trace
     *                     (smallest on ties)
     * @param regret       that arm's summed reward minus the summed reward of the arms played
     */
    public record Play(int arms, List<Long> armCounts, long offloaded, int bestFixedArm, double regret) {
        /** Validates and makes the counts immutable. */
        public Play {
            armCounts = List.copyOf(armCounts);
            if (armCounts.size() != arms) {
                throw new IllegalArgumentException("armCounts must have " + arms + " entries, got " + armCounts.size());
            }
            if (bestFixedArm < 1 || bestFixedArm > arms) {
                throw new IllegalArgumentException("bestFixedArm must be in 1.." + arms + ", got " + bestFixedArm);
            }
        }
    }

    /**
     * How often the answers matched the labels; both empty without labels.
     *
     * @param accuracy          fraction of samples whose answer matched the label
     * @param finalExitAccuracy fraction of samples whose pred_L matched the label
     */
    public record Accuracies(OptionalDouble accuracy, OptionalDouble finalExitAccuracy) {
        /** Validates. */
        public Accuracies {
            Objects.requireNonNull(accuracy, "accuracy");
            Objects.requireNonNull(finalExitAccuracy, "finalExitAccuracy");
            if (accuracy.isPresent() != finalExitAccuracy.isPresent()) {
                throw new IllegalArgumentException("accuracy and finalExitAccuracy must both be present or both absent");
            }
        }
    }

    /** Validates and makes the collections immutable. */
    public ReplayResult {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(costs, "costs");
        Objects.requireNonNull(play, "play");
        Objects.requireNonNull(accuracies, "accuracies");
        cumulativeRegret = Collections.unmodifiableSortedMap(new TreeMap<>(cumulativeRegret));
    }

    /** Summed cost of the choices ({@code costs().cost()}). */
    public double cost() {
        return costs.cost();
    }

    /** The cost of answering every sample at the final exit on the device ({@code costs().fullCost()}). */
    public double fullCost() {
        return costs.fullCost();
    }

    /** L ({@code play().arms()}). */
    public int arms() {
        return play.arms();
    }

    /** How often each arm was played, index 0 = arm 1 ({@code play().armCounts()}). */
    public List<Long> armCounts() {
        return play.armCounts();
    }

    /** Samples offloaded to the gateway ({@code play().offloaded()}). */
    public long offloaded() {
        return play.offloaded();
    }

    /** The 1-based best fixed arm ({@code play().bestFixedArm()}). */
    public int bestFixedArm() {
        return play.bestFixedArm();
    }

    /** The best fixed arm's summed reward minus that of the arms played ({@code play().regret()}). */
    public double regret() {
        return play.regret();
    }

    /** Fraction of samples whose answer matched the label, empty without labels. */
    public OptionalDouble accuracy() {
        return accuracies.accuracy();
    }

    /** Fraction of samples whose pred_L matched the label, empty without labels. */
    public OptionalDouble finalExitAccuracy() {
        return accuracies.finalExitAccuracy();
    }

    /** 1 − cost / fullCost; NaN when fullCost is 0 (λ = 0). */
    public double costReduction() {
        return fullCost() == 0 ? Double.NaN : 1 - cost() / fullCost();
    }

    /** finalExitAccuracy − accuracy (empty without labels). */
    public OptionalDouble accuracyDrop() {
        return accuracy().isPresent()
                ? OptionalDouble.of(finalExitAccuracy().getAsDouble() - accuracy().getAsDouble())
                : OptionalDouble.empty();
    }
}
