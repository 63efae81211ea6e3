package io.splitee.device.daemon;

import io.splitee.engine.EngineConfig;
import io.splitee.engine.ExitOracle;
import io.splitee.engine.Observation;
import io.splitee.engine.Plan;
import io.splitee.engine.PlanExecutor;
import io.splitee.engine.Policies;
import io.splitee.engine.Policy;
import java.util.function.IntToDoubleFunction;

/**
 * The engine as the worker drives it, in live arms: plan a sample, carry the plan out against the
 * live exits, record the outcome once the sample is answered. Owned by the worker thread.
 */
final class Learner {
    private Policy policy;
    private final EngineConfig config;
    private final ArmMapping arms;
    private final ChangeAlarms changes;
    private final Runnable afterRecord;

    /**
     * @param changes     told of every recorded outcome: counts and logs the policy's change-detector alarms
     * @param afterRecord run after each outcome is recorded (on the worker thread): the state saves' count
     */
    Learner(Policy policy, EngineConfig config, ArmMapping arms, ChangeAlarms changes, Runnable afterRecord) {
        this.policy = policy;
        this.config = config;
        this.arms = arms;
        this.changes = changes;
        this.afterRecord = afterRecord;
        changes.watch(policy);
    }

    /** The policy (replaced by {@link #reset}). */
    Policy policy() {
        return policy;
    }

    /** Forgets everything learned: a fresh policy of the same spec (the button's long press). */
    void reset() {
        policy = Policies.parse(policy.spec(), config);
        changes.watch(policy); // its count starts at 0: the old policy's alarms stay counted, none twice
    }

    /** Chooses the next plan (advances the policy's round). */
    Plan choose() {
        return policy.choose();
    }

    /** The live arm of an engine arm. */
    int live(int engineArm) {
        return arms.live(engineArm);
    }

    /**
     * Carries out {@code plan}; {@code liveConfidence} computes C at a live exit (1..L).
     *
     * @return what was observed; {@link Observation#arm()} is the engine's arm
     */
    Observation execute(Plan plan, IntToDoubleFunction liveConfidence) {
        ExitOracle oracle = arms.engineOracle(liveConfidence);
        return PlanExecutor.execute(plan, config, oracle);
    }

    /** Records a sample that left at its arm. */
    void exited(Observation o) {
        policy.record(arms.exited(o));
        changes.recorded(policy);
        afterRecord.run();
    }

    /** Records an offloaded sample with the final exit's confidence (the gateway's, the device's, or a stand-in). */
    void answered(Observation o, double finalConfidence) {
        policy.record(arms.answered(o, finalConfidence));
        changes.recorded(policy);
        afterRecord.run();
    }
}
