package io.splitee.engine;

/**
 * What a policy is known to do before it exists (the way Caffeine's simulator policies declare
 * theirs): callers that must size a cost model or validate a configuration ask {@link PolicySpec}
 * for these instead of testing names.
 */
public enum Characteristic {
    /** Learns from outcomes (SplitEE, SplitEE-S). */
    ADAPTIVE,
    /** May choose any arm, the raw-sample arm included (SplitEE, SplitEE-S, random). */
    PLAYS_EVERY_ARM,
    /** Credits arms below the played one from exits evaluated on the way (SplitEE-S). */
    SIDE_OBSERVATIONS,
    /** Evaluates every exit head on the way to its arm; a measured cost model charges them to the arm (early-exit). */
    EVALUATES_EVERY_EXIT,
    /** Leaves at the first exit with C_i ≥ α (early-exit). */
    STOPS_AT_FIRST_CONFIDENT_EXIT,
    /** Draws from the seeded random source (random). */
    RANDOMIZED,
    /**
     * Its side observations need C_L on every sample, which a trace has and a device has only when it
     * offloads or plays arm L (splitee-s-paper, the published SplitEE-S); a replay gives it the trace's C_L.
     */
    NEEDS_FINAL_CONFIDENCE,
    /** Discounts or windows its statistics to follow costs that drift (a {@code discount} or {@code window} parameter). */
    FORGETS,
    /**
     * Its first L rounds score arm t on sample t without charging it, and a replay then starts over from the
     * first sample ({@code init=authors}: the authors' published code).
     */
    UNCHARGED_WARM_UP
}
