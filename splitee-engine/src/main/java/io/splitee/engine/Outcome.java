package io.splitee.engine;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * What happened to one sample, as the caller saw it.
 *
 * <p>{@code confidences} has one entry per exit (index {@code i} holds C_{i+1}); an exit whose
 * confidence was not observed holds {@link #UNOBSERVED}. The rules:
 * <ul>
 *   <li>{@code arm} is the deepest block computed on the device (for the early-exit baseline,
 *       the exit where the sample stopped);</li>
 *   <li>C_arm is always observed;</li>
 *   <li>when {@code offloaded}, {@code arm < L} and C_L (the gateway's final-exit confidence) is
 *       observed;</li>
 *   <li>C_j for {@code j < arm} is observed when the device evaluated exit j (needed for
 *       SplitEE-S side observations); C_L may be observed without offloading (replay knows
 *       everything); other entries are ignored.</li>
 * </ul>
 * Every observed confidence is a finite number in [0, 1]; NaN is rejected, never read as
 * "unobserved". Whether {@code offloaded} agrees with the threshold is checked by
 * {@link Policy#record(Outcome)}, which knows α.
 *
 * @param arm         1-based arm played, 1..L (where the sample stopped)
 * @param offloaded   whether the features after block {@code arm} went to the gateway
 * @param confidences C_1..C_L, {@link #UNOBSERVED} where not observed (copied)
 * @param chosen      the arm the policy chose (the plan's arm), {@code arm..L}: greater than {@code arm} only when
 *                    the plan left at the first confident exit ({@link Plan#stopAtFirstConfidentExit}) and the
 *                    sample left at exit {@code arm} before it, on the device
 */
public record Outcome(int arm, boolean offloaded, double[] confidences, int chosen) {

    /** Marks a confidence that was not observed. */
    public static final double UNOBSERVED = -1.0;

    /** An outcome of a sample that stopped at the arm the policy chose. */
    public Outcome(int arm, boolean offloaded, double[] confidences) {
        this(arm, offloaded, confidences, arm);
    }

    /** Validates and copies. */
    public Outcome {
        if (confidences == null || confidences.length == 0) {
            throw new IllegalArgumentException("confidences must have one entry per exit");
        }
        int exits = confidences.length;
        if (arm < 1 || arm > exits) {
            throw new IllegalArgumentException("arm must be in 1.." + exits + ", got " + arm);
        }
        confidences = confidences.clone();
        for (int i = 0; i < exits; i++) {
            double c = confidences[i];
            if (c != UNOBSERVED && !(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("confidences[" + i + "] (exit " + (i + 1)
                        + ") must be in [0, 1] or UNOBSERVED, got " + c);
            }
        }
        if (confidences[arm - 1] == UNOBSERVED) {
            throw new IllegalArgumentException("the confidence of the played exit " + arm + " must be observed");
        }
        if (offloaded && arm == exits) {
            throw new IllegalArgumentException("arm " + arm + " is the final exit and cannot be offloaded");
        }
        if (offloaded && confidences[exits - 1] == UNOBSERVED) {
            throw new IllegalArgumentException("an offloaded outcome must carry the final-exit confidence C_" + exits);
        }
        if (chosen < arm || chosen > exits) {
            throw new IllegalArgumentException("the chosen arm must be in " + arm + ".." + exits + " (the sample stopped at "
                    + arm + "), got " + chosen);
        }
        if (chosen != arm && offloaded) {
            throw new IllegalArgumentException("a sample that stopped at exit " + arm + " before its chosen arm " + chosen
                    + " left there on the device and cannot be offloaded");
        }
    }

    /** The number of exits L. */
    public int exits() {
        return confidences.length;
    }

    /** C_exit for a 1-based exit, or {@link #UNOBSERVED}. */
    public double confidence(int exit) {
        return confidences[exit - 1];
    }

    /** Whether C_exit was observed. */
    public boolean observed(int exit) {
        return confidences[exit - 1] != UNOBSERVED;
    }

    /** A copy of the confidences. */
    @Override
    public double[] confidences() {
        return confidences.clone();
    }

    /**
     * The reward arm {@code j} would have earned on this sample, if it can be computed from what
     * was observed: {@code C_j − cost(j, false)} when {@code j < L} and C_j ≥ α;
     * {@code C_L − cost(j, true)} when {@code j < L}, C_j < α and C_L is observed;
     * {@code C_L − cost(L, false)} when {@code j = L}. Empty when a needed confidence is missing.
     */
    public OptionalDouble reward(int j, EngineConfig config) {
        if (j < 1 || j > exits()) {
            throw new IllegalArgumentException("arm must be in 1.." + exits() + ", got " + j);
        }
        double r = rewardOrNaN(j, config);
        return Double.isNaN(r) ? OptionalDouble.empty() : OptionalDouble.of(r);
    }

    /** As {@link #reward}, NaN when not computable; no bounds check, no allocation. */
    double rewardOrNaN(int j, EngineConfig config) {
        int last = confidences.length;
        double cj = confidences[j - 1];
        if (cj == UNOBSERVED) {
            return Double.NaN;
        }
        CostModel cost = config.costModel();
        if (j == last) {
            return cj - checkedCost(cost, last, false);
        }
        if (config.confident(cj)) {
            return cj - checkedCost(cost, j, false);
        }
        double cl = confidences[last - 1];
        if (cl == UNOBSERVED) {
            return Double.NaN;
        }
        return cl - checkedCost(cost, j, true);
    }

    /**
     * The reward arm {@code j} would have earned on this sample as a cascade arm ({@code leave=first}: exits 1..j
     * evaluated in order, the sample leaves at the first exit i with C_i ≥ α), if it can be computed from what was
     * observed: {@code C_i − cost(i, false)} when it leaves at i; otherwise {@code C_L − cost(j, true)} (j &lt; L,
     * C_L observed) or {@code C_L − cost(L, false)} (j = L). Empty when a needed confidence is missing. This is the
     * plain reward of arm {@code min(j, i)}: a cost model that charges every exit head on the way
     * ({@link Characteristic#EVALUATES_EVERY_EXIT}) prices exactly what the device did.
     */
    public OptionalDouble cascadeReward(int j, EngineConfig config) {
        if (j < 1 || j > exits()) {
            throw new IllegalArgumentException("arm must be in 1.." + exits() + ", got " + j);
        }
        int i = cascadeExit(j, config);
        return i == 0 ? OptionalDouble.empty() : reward(i, config);
    }

    /**
     * The exit whose plain reward is cascade arm {@code j}'s on this sample: the first i ≤ j with C_i ≥ α, else j;
     * 0 when an exit on the way was not observed.
     */
    int cascadeExit(int j, EngineConfig config) {
        for (int i = 1; i <= j; i++) {
            double c = confidences[i - 1];
            if (c == UNOBSERVED) {
                return 0;
            }
            if (config.confident(c)) {
                return i;
            }
        }
        return j;
    }

    /**
     * The confidence arm {@code j}'s reward starts from on this sample, NaN when not computable: C_j when arm j
     * answers on the device ({@code j = L} or C_j ≥ α), C_L when it would offload. The reward is this term minus
     * {@code cost(j, offloadsAt(j))}.
     */
    double termOrNaN(int j, EngineConfig config) {
        int last = confidences.length;
        double cj = confidences[j - 1];
        if (cj == UNOBSERVED) {
            return Double.NaN;
        }
        if (j == last || config.confident(cj)) {
            return cj;
        }
        double cl = confidences[last - 1];
        return cl == UNOBSERVED ? Double.NaN : cl;
    }

    /** Whether arm {@code j} offloads this sample (j &lt; L and C_j &lt; α); C_j must be observed. */
    boolean offloadsAt(int j, EngineConfig config) {
        return j < confidences.length && !config.confident(confidences[j - 1]);
    }

    /**
     * This outcome with C_L filled in, when it was not observed, by the played exit's confidence:
     * the sample exited there confidently (C_arm ≥ α), so an offload at a shallower arm would
     * have been answered by the final exit with about that confidence. Without this estimate a
     * side observation at a shallower arm j with C_j &lt; α could only be credited when the
     * played sample was offloaded, and arm j's mean would be taken over its cheap, confident
     * samples only (biased upwards).
     */
    Outcome withFinalEstimate() {
        int last = confidences.length;
        if (confidences[last - 1] != UNOBSERVED) {
            return this;
        }
        double[] c = confidences.clone();
        c[last - 1] = confidences[arm - 1];
        return new Outcome(arm, offloaded, c, chosen);
    }

    private static double checkedCost(CostModel model, int arm, boolean offloaded) {
        double c = model.cost(arm, offloaded);
        if (!Double.isFinite(c)) {
            throw new IllegalArgumentException("cost model returned " + c + " for arm " + arm
                    + (offloaded ? " (offloaded)" : ""));
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Outcome other && arm == other.arm && offloaded == other.offloaded
                && Arrays.equals(confidences, other.confidences) && chosen == other.chosen;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * arm + Boolean.hashCode(offloaded)) + Arrays.hashCode(confidences)) + chosen;
    }

    @Override
    public String toString() {
        return "Outcome[arm=" + arm + ", offloaded=" + offloaded + ", confidences=" + Arrays.toString(confidences)
                + (chosen == arm ? "" : ", chosen=" + chosen) + "]";
    }
}
