package io.splitee.device.daemon;

import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.engine.CostModel;
import io.splitee.engine.ExitOracle;
import io.splitee.engine.Observation;
import io.splitee.engine.Outcome;
import java.util.function.IntToDoubleFunction;

/**
 * The one mapping between the engine's arms and the device's live arms. Without the raw-sample arm
 * they are the same (1..L). With it ({@code policy.raw-sample-arm}) the engine has L+1 arms and its
 * arm k is the live arm k−1: the engine's arm 1 is the live arm 0 (send the raw sample, compute
 * nothing), whose confidence is 0: it never exits, its reward is always {@code C_L − cost(0, offloaded)},
 * computable whenever C_L is known (the engine's own rule). So every outcome recorded with the
 * raw-sample arm carries confidence 0 for the engine's exit 1, whether or not it was evaluated.
 */
final class ArmMapping {
    /**
     * The measured prices' tolerance, a share of an arm's price: about the sampling error of a 63-offload median of
     * the link time (a spread of about 30 % between offloads: 1.25 · 0.3 / √63 ≈ 5 % of the link part, about half
     * of an offloading arm's price). Differences in index smaller than this are not acted on.
     */
    static final double PRICE_TOLERANCE = 0.02;

    private final int offset;

    private ArmMapping(int offset) {
        this.offset = offset;
    }

    /** The mapping for a configuration with or without the raw-sample arm. */
    static ArmMapping of(boolean rawSampleArm) {
        return new ArmMapping(rawSampleArm ? 1 : 0);
    }

    /**
     * The mapping between an engine of {@code engineArms} arms and a model of {@code blocks} blocks.
     *
     * @throws IllegalArgumentException unless the engine has L or L+1 arms
     */
    static ArmMapping between(int engineArms, int blocks) {
        int offset = engineArms - blocks;
        if (offset != 0 && offset != 1) {
            throw new IllegalArgumentException("the engine has " + engineArms + " arms for " + blocks + " blocks");
        }
        return new ArmMapping(offset);
    }

    /** Whether the engine's arm 1 is the live raw-sample arm 0. */
    boolean rawSampleArm() {
        return offset == 1;
    }

    /** The engine's number of arms for a model of {@code blocks} blocks. */
    int engineArms(int blocks) {
        return blocks + offset;
    }

    /** The live arm (0..L) of an engine arm. */
    int live(int engineArm) {
        return engineArm - offset;
    }

    /** The engine arm of a live arm. */
    int engine(int liveArm) {
        return liveArm + offset;
    }

    /**
     * The engine's view of a live oracle: the engine's exit k is the live exit k − offset; the live
     * exit 0 (the raw-sample arm) has confidence 0 and computes nothing.
     */
    ExitOracle engineOracle(IntToDoubleFunction liveConfidence) {
        return engineExit -> {
            int exit = live(engineExit);
            return exit == 0 ? 0.0 : liveConfidence.applyAsDouble(exit);
        };
    }

    /** The outcome of a sample that left at its arm. */
    Outcome exited(Observation o) {
        return recorded(o).exited();
    }

    /** The outcome of an offloaded sample once C_L is known (or stood in for). */
    Outcome answered(Observation o, double finalConfidence) {
        return recorded(o).answered(finalConfidence);
    }

    private Observation recorded(Observation o) {
        return offset == 1 ? o.with(1, 0.0) : o;
    }

    /**
     * Measured costs in the engine's arms: arm k is priced as the live arm k − offset, from the steady view of the
     * estimates (medians of the last {@value CostEstimates#STEADY_WINDOW} observations, not the fast smoothed means
     * that deadlines and gauges read). The prices follow the estimates ({@link CostModel#drifts()}), so the engine
     * prices its statistics with them when it chooses, and are taken as known to within {@link #PRICE_TOLERANCE}
     * ({@link CostModel#tolerance()}): the played arm is kept while its index is within that share of its price of
     * the best.
     */
    CostModel costModel(MeasuredCosts m) {
        return CostModel.drifting((arm, offloaded) -> offloaded ? m.offload(live(arm), CostEstimates.Estimate.STEADY).cost()
                : m.onDevice(live(arm), CostEstimates.Estimate.STEADY), PRICE_TOLERANCE);
    }
}
