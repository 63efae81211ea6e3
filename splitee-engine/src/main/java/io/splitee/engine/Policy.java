package io.splitee.engine;

/**
 * A pure, deterministic split-point policy (one per device stream; not thread-safe).
 *
 * <p>Per sample the caller calls {@link #choose()}, computes blocks 1..arm on the device,
 * exits there when C_arm ≥ α or offloads otherwise, and later calls {@link #record(Outcome)}
 * with what it observed. Choices may run ahead of outcomes (an offload answer arrives later):
 * the round counter t counts {@code choose()} calls, and an arm without any recorded outcome
 * counts as unexplored. Create policies with {@link Policies}.
 */
public interface Policy {

    /** The canonical spec this policy was made from, e.g. {@code "splitee"} or {@code "fixed:3"}. */
    String spec();

    /** The number of arms L. */
    int arms();

    /** Chooses the arm (1..L) for the next sample and advances the round counter. */
    int choose();

    /**
     * When true, the device evaluates exits 1..chosen arm in order and stops at the first with
     * C_i ≥ α, answering there (the on-device early-exit baseline); the outcome's arm is then
     * the exit where the sample stopped. False for every other policy.
     */
    default boolean stopsAtFirstConfidentExit() {
        return false;
    }

    /**
     * Whether the device always evaluates every exit head on the way to the chosen arm (exits
     * 1..arm), not only the chosen arm's: the early-exit baseline. A measured cost model charges
     * those exit heads to the arm. (SplitEE-S evaluates exits on the way only while they can
     * matter: {@link #evaluatesOnTheWay(int)}.)
     */
    default boolean evaluatesEveryExit() {
        return stopsAtFirstConfidentExit();
    }

    /**
     * Whether the device should evaluate exit {@code exit}, below the arm returned by the last
     * {@link #choose()}, on the way to that arm (the arm's own exit is always evaluated). True for
     * every exit of a policy that {@link #evaluatesEveryExit()}; SplitEE-S asks for the exits whose
     * arms are still in contention (their side observation could change a later choice); false
     * for the other policies.
     */
    default boolean evaluatesOnTheWay(int exit) {
        return evaluatesEveryExit();
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
