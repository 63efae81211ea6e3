package io.splitee.device.daemon;

import java.util.concurrent.TimeUnit;

/**
 * Answers computed on the device: at the sample's arm, after finishing the remaining blocks, or
 * degraded from the arm when the gateway did not help; each answer is recorded with the engine.
 */
final class OnDevice {
    private final Core core;
    private final Learner learner;

    OnDevice(Core core, Learner learner) {
        this.core = core;
        this.learner = learner;
    }

    /** The sample exits at its arm (C_arm ≥ α, or the arm is L). */
    void exit(Sample s) {
        answer(s, s.arm, core.results().onDevice(s, s.arm));
        learner.exited(s.observation);
    }

    /**
     * Computes the blocks after the arm (no gateway) and answers from the final exit; recorded as the
     * offload it was planned as, with the final-exit confidence the device computed itself.
     */
    void finish(Sample s) {
        int depth = core.compute().depth();
        core.compute().finish(s);
        answer(s, depth, core.results().onDevice(s, depth));
        learner.answered(s.observation, s.confidence(depth));
    }

    /**
     * Answers from the arm, degraded ({@code code}, why); the engine learns what it got: exit arm's
     * confidence in place of the final exit's.
     */
    void degraded(Sample s, String code, String why) {
        core.metrics().degraded(code);
        answer(s, s.arm, core.results().degraded(s, code, why));
        learner.answered(s.observation, s.confidence(s.arm));
    }

    /** The engine, for answers the gateway computed. */
    Learner learner() {
        return learner;
    }

    private void answer(Sample s, int exit, io.splitee.wire.ResultMessage r) {
        core.metrics().exit(exit);
        core.metrics().status().answered(true);
        core.metrics().latencyLocal.record(core.nanos().getAsLong() - s.arrivedNanos, TimeUnit.NANOSECONDS);
        core.answers().submit(r, s.source);
    }
}
