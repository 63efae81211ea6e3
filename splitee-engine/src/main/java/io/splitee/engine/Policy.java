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

    /**
     * How many times the change detector ({@code :detect=ph}) fired and made this policy start its statistics over,
     * since this policy object was made by {@link Policies#parse} or {@link Policies#restore}: the count is not part
     * of the {@link #snapshot()}, so a restored policy starts at 0. It only grows, and only during
     * {@link #record(Outcome)} (the call whose credits fired the alarm). Always 0 for a policy without a change
     * detector. Read-only: reading it changes nothing.
     */
    default long changesDetected() {
        return 0;
    }

    /**
     * The policy's round ({@code choose()} calls so far, which a snapshot keeps) when its change detector last
     * fired: the round count at the {@link #record(Outcome)} that fired it (outcomes may be recorded after later
     * choices). 0 when it never fired; after {@link Policies#restore}, the last alarm before the snapshot was taken,
     * if any (the state keeps it), while {@link #changesDetected()} starts at 0. Always 0 without a change detector.
     */
    default long lastChangeRound() {
        return 0;
    }
}
