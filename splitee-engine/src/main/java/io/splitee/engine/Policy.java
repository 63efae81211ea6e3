package io.splitee.engine;

import java.util.Set;

/**
 * A pure, deterministic split-point policy (one per device stream; not thread-safe).
 *
 * <p>Per sample the caller calls {@link #choose()}, carries out the returned {@link Plan} with
 * {@link PlanExecutor} (computes blocks 1..arm on the device, exits there when C_arm ≥ α or
 * offloads otherwise), and later calls {@link #record(Outcome)} with what it observed. Choices may run ahead of outcomes (an offload answer arrives later):
 * the round counter t counts {@code choose()} calls, and an arm without any recorded outcome
 * counts as unexplored. Create policies with {@link Policies}.
 */
public interface Policy {

    /** The canonical spec this policy was made from, e.g. {@code "splitee"} or {@code "fixed:3"}. */
    String spec();

    /** The number of arms L. */
    int arms();

    /**
     * Chooses the plan for the next sample (the arm, and which exits to evaluate on the way) and
     * advances the round counter. Carry it out with {@link PlanExecutor}.
     */
    Plan choose();

    /** What this policy is known to do; by default, what its {@link #spec()} declares. */
    default Set<Characteristic> characteristics() {
        return PolicySpec.parse(spec()).characteristics();
    }

    /**
     * Credits the outcome of one sample: the played arm gets its reward; SplitEE-S also credits
     * every lower arm whose reward is computable from the observed confidences.
     *
     * @throws IllegalArgumentException if the outcome has the wrong number of exits or its
     *                                  {@code offloaded} flag contradicts the threshold rule
     */
    void record(Outcome outcome);

    /** The complete learned state; {@link Policies#restore} continues exactly from it. */
    PolicyState snapshot();
}
