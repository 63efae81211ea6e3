package io.splitee.demo.report;

/**
 * What happened to one sample under one policy.
 *
 * @param row        the sample's row in the trace (its index among the shipped samples), or -1 when unknown
 * @param sampleId   the sample's id
 * @param arm        the split point played: blocks 1..arm ran on the device (for early exit, the exit where it stopped)
 * @param offloaded  whether the sample was sent to the gateway (or meant to be, for a live fallback)
 * @param exit       the exit that answered
 * @param predicted  the predicted class, -1 when unknown
 * @param label      the true class, -1 when unknown
 * @param cost       the paper cost of the choice, λ·arm (+ o when offloaded)
 * @param reward     its reward on the trace's confidences, NaN without a trace row
 * @param bestReward the best fixed arm's reward on the same trace row, NaN without one
 * @param deviceMs   device compute in ms as the answer reported it, NaN when absent
 * @param linkMs     link time in ms, NaN when absent
 * @param gatewayMs  gateway compute in ms, NaN when absent
 * @param endToEndMs arrival to answer in ms, NaN when absent
 */
record Step(int row, String sampleId, int arm, boolean offloaded, int exit, int predicted, int label,
                   double cost, double reward, double bestReward, double deviceMs, double linkMs, double gatewayMs,
                   double endToEndMs) {

    /** Validates the structural fields. */
    public Step {
        if (arm < 0) {
            throw new IllegalArgumentException("arm must be >= 0, got " + arm);
        }
        if (exit < 1) {
            throw new IllegalArgumentException("exit must be >= 1, got " + exit);
        }
        java.util.Objects.requireNonNull(sampleId, "sampleId");
    }

    /** Whether both the prediction and the label are known. */
    public boolean labelled() {
        return predicted >= 0 && label >= 0;
    }

    /** Whether the answer was right (false when unknown). */
    public boolean correct() {
        return labelled() && predicted == label;
    }
}
