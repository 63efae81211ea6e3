package io.splitee.device.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The energy estimates' ring and smoothing, and energy in the measured cost model. */
class EnergyEstimatesTest {

    @Test
    void aFullRingDropsRatherThanWaitAndUnpricedIntervalsAreDropped() {
        EnergyEstimates e = new EnergyEstimates(2, 0.1);
        for (int i = 0; i < EnergyEstimates.RING + 5; i++) {
            e.computed(false, 1, i, i + 1);
        }
        assertEquals(5, e.dropped(), "the worker never waits");
        assertEquals(EnergyEstimates.RING, e.settle(Long.MAX_VALUE, (a, b) -> 1.0));
        assertEquals(1.0, e.blockMj(1), 1e-12);
        e.computed(true, 2, 0, 1);
        assertEquals(0, e.settle(Long.MAX_VALUE, (a, b) -> Double.NaN));
        assertEquals(6, e.dropped());
        assertThrows(IllegalArgumentException.class, () -> e.computed(false, 3, 0, 1));
    }

    /**
     * Energy is capped as compute time is ({@link CostEstimates#COMPUTE_SPIKE_CAP}): after 2 mJ, an interval that held
     * another thread's time slice (50 mJ) counts as 8 mJ: 2 + 0.1 × (8 − 2) = 2.6; a fall is taken as measured.
     */
    @Test
    void aDescheduledIntervalRaisesTheEnergyByAtMostTheCap() {
        EnergyEstimates e = new EnergyEstimates(1, 0.1);
        e.computed(false, 1, 0, 1);
        e.settle(Long.MAX_VALUE, (a, b) -> 2.0);
        e.computed(false, 1, 1, 2);
        e.settle(Long.MAX_VALUE, (a, b) -> 50.0);
        assertEquals(2.6, e.blockMj(1), 1e-12);
        e.computed(false, 1, 2, 3);
        e.settle(Long.MAX_VALUE, (a, b) -> 0.6);
        assertEquals(2.6 + 0.1 * (0.6 - 2.6), e.blockMj(1), 1e-12);
    }

    @Test
    void theMeasuredCostChargesEnergyAtItsWeight() {
        CostEstimates ms = new CostEstimates(3, 0.1);
        EnergyEstimates mj = new EnergyEstimates(3, 0.1);
        for (int i = 1; i <= 3; i++) {
            ms.recordBlock(i, java.time.Duration.ofMillis(2));
            ms.recordExit(i, java.time.Duration.ofMillis(1));
            mj.computed(false, i, 0, 1);
            mj.computed(true, i, 0, 1);
        }
        mj.settle(1, (a, b) -> 5.0); // 5 mJ a block, 5 mJ an exit head
        MeasuredCosts.PayloadBytes bytes = new MeasuredCosts.PayloadBytes(a -> 1000, 3136);
        MeasuredCosts plain = new MeasuredCosts(ms, 0.1, 0.1, MeasuredCosts.PayloadRule.FEATURES, bytes, false);
        MeasuredCosts energy = new MeasuredCosts(ms, 0.1, 0.1, MeasuredCosts.PayloadRule.FEATURES, bytes, false)
                .withEnergy(mj, 0.02);
        // arm 2: blocks 1, 2 and exit 2 = 5 ms, 15 mJ
        assertEquals(0.5, plain.onDevice(2), 1e-12);
        assertEquals(0.5 + 0.02 * 15, energy.onDevice(2), 1e-12);
        assertEquals(15.0, energy.deviceMj(2), 1e-12);
        assertEquals(energy.offload(2).cost() - plain.offload(2).cost(), 0.02 * 15, 1e-12, "an offload too");
        assertEquals(0.0, energy.onDevice(0), "arm 0 computes nothing");
        MeasuredCosts zero = new MeasuredCosts(ms, 0.1, 0.1, MeasuredCosts.PayloadRule.FEATURES, bytes, false)
                .withEnergy(mj, 0);
        assertEquals(plain.onDevice(3), zero.onDevice(3), "weight 0: measured, not charged");
        assertThrows(IllegalArgumentException.class, () -> plain.withEnergy(mj, -1));
    }
}
