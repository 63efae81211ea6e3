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
    RANDOMIZED
}
