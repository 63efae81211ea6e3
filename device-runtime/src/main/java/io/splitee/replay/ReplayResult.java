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
 * @param policy            the policy spec
 * @param samples           samples replayed
 * @param arms              L
 * @param cost              summed cost of the choices (cost model units)
 * @param fullCost          the cost of answering every sample at the final exit on the device,
 *                          samples · cost(L) (with the paper's model samples·λ·L)
 * @param offloaded         samples offloaded to the gateway
 * @param armCounts         how often each arm was played, index 0 = arm 1 (side updates not
 *                          counted; for early-exit, the exit where the sample stopped)
 * @param bestFixedArm      the 1-based arm with the largest summed reward over the trace
 *                          (smallest on ties)
 * @param regret            that arm's summed reward minus the summed reward of the arms played
 * @param accuracy          fraction of samples whose answer matched the label (empty without labels)
 * @param finalExitAccuracy fraction of samples whose pred_L matched the label (empty without labels)
 * @param cumulativeRegret  regret against {@code bestFixedArm} over the first n samples, for each
 *                          requested checkpoint n ≤ samples
 */
public record ReplayResult(String policy, int samples, int arms, double cost, double fullCost, long offloaded,
                           List<Long> armCounts, int bestFixedArm, double regret, OptionalDouble accuracy,
                           OptionalDouble finalExitAccuracy, SortedMap<Integer, Double> cumulativeRegret) {

    /** Validates and makes the collections immutable. */
    public ReplayResult {
        Objects.requireNonNull(policy, "policy");
        armCounts = List.copyOf(armCounts);
        if (armCounts.size() != arms) {
            throw new IllegalArgumentException("armCounts must have " + arms + " entries, got " + armCounts.size());
        }
        if (bestFixedArm < 1 || bestFixedArm > arms) {
            throw new IllegalArgumentException("bestFixedArm must be in 1.." + arms + ", got " + bestFixedArm);
        }
        Objects.requireNonNull(accuracy, "accuracy");
        Objects.requireNonNull(finalExitAccuracy, "finalExitAccuracy");
        if (accuracy.isPresent() != finalExitAccuracy.isPresent()) {
            throw new IllegalArgumentException("accuracy and finalExitAccuracy must both be present or both absent");
        }
        cumulativeRegret = Collections.unmodifiableSortedMap(new TreeMap<>(cumulativeRegret));
    }

    /** 1 − cost / fullCost; NaN when fullCost is 0 (λ = 0). */
    public double costReduction() {
        return fullCost == 0 ? Double.NaN : 1 - cost / fullCost;
    }

    /** finalExitAccuracy − accuracy (empty without labels). */
    public OptionalDouble accuracyDrop() {
        return accuracy.isPresent()
                ? OptionalDouble.of(finalExitAccuracy.getAsDouble() - accuracy.getAsDouble())
                : OptionalDouble.empty();
    }
}
