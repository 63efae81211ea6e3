package io.splitee.engine;

import java.util.Arrays;

/**
 * What {@link PlanExecutor} observed of one sample: where it stopped ({@link #arm()}), whether the
 * offload rule sends it to the gateway, and the confidences evaluated on the way
 * ({@link Outcome#UNOBSERVED} elsewhere). It becomes the {@link Outcome} to record once the sample
 * is answered: {@link #exited()} when it left at the arm, {@link #answered(double)} once an
 * offloaded sample's final-exit confidence is known. Immutable.
 */
public final class Observation {

    private final int arm;
    private final boolean offloads;
    private final double[] confidences;
    private final int chosen;

    Observation(int arm, boolean offloads, double[] confidences, int chosen) {
        this.arm = arm;
        this.offloads = offloads;
        this.confidences = confidences;
        this.chosen = chosen;
    }

    /** The arm the policy chose (the plan's arm): {@link #arm()} unless the plan left at the first confident exit. */
    public int chosen() {
        return chosen;
    }

    /** The arm played (for an early-exit plan, the exit where the sample stopped). */
    public int arm() {
        return arm;
    }

    /** Whether the offload rule sends the sample on (arm &lt; L and C_arm &lt; α). */
    public boolean offloads() {
        return offloads;
    }

    /** C_exit as observed, or {@link Outcome#UNOBSERVED}. */
    public double confidence(int exit) {
        return confidences[exit - 1];
    }

    /** The number of exits L. */
    public int exits() {
        return confidences.length;
    }

    /** This observation with C_exit observed as {@code confidence} (a value the caller knows without evaluating). */
    public Observation with(int exit, double confidence) {
        double[] c = confidences.clone();
        c[exit - 1] = confidence;
        return new Observation(arm, offloads, c, chosen);
    }

    /**
     * The outcome of a sample that left at its arm.
     *
     * @throws IllegalStateException when the sample offloads
     */
    public Outcome exited() {
        if (offloads) {
            throw new IllegalStateException("arm " + arm + " offloads (C_" + arm + " = " + confidences[arm - 1]
                    + "): its outcome needs the final exit's confidence");
        }
        return new Outcome(arm, false, confidences, chosen);
    }

    /**
     * The outcome of an offloaded sample once the final exit's confidence C_L is known (from the
     * gateway, from the device finishing the blocks itself, or an estimate the caller stands by).
     *
     * @throws IllegalStateException when the sample does not offload
     */
    public Outcome answered(double finalConfidence) {
        if (!offloads) {
            throw new IllegalStateException("arm " + arm + " does not offload");
        }
        double[] c = confidences.clone();
        c[c.length - 1] = finalConfidence;
        return new Outcome(arm, true, c, chosen);
    }

    @Override
    public String toString() {
        return "Observation[arm=" + arm + (chosen == arm ? "" : ", chosen=" + chosen) + ", offloads=" + offloads + ", confidences=" + Arrays.toString(confidences)
                + "]";
    }
}
