package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Choice-time pricing (issue 15): with a cost model whose prices drift (the daemon's measured costs), every arm
 * keeps its cost-independent statistics and is priced with the costs of the moment it is chosen; with fixed
 * prices the recorded sums are used, as before.
 */
class ChoiceTimePricingTest {

    /** λ = 1/10 per block on the device; the offload surcharge o is set by the test (a warm-up, then the real one). */
    private static final class Moving implements CostModel {
        double offload;
        final boolean drifts;

        Moving(double offload, boolean drifts) {
            this.offload = offload;
            this.drifts = drifts;
        }

        @Override
        public double cost(int arm, boolean offloaded) {
            return 0.1 * arm + (offloaded ? offload : 0);
        }

        @Override
        public boolean drifts() {
            return drifts;
        }
    }

    /** α = 1/2; one sample seen by every arm: C_1 = 0.2 (arm 1 offloads, answered with C_3), C_2 = 0.9 (exits), C_3 = 0.95. */
    private static final double[] ROW = {0.2, 0.9, 0.95};

    private static EngineConfig config(Moving m) {
        return new EngineConfig(3, 0.5, m, 0.0, 0); // c = 0: the choice is the largest priced mean
    }

    /**
     * Samples 1..3 play arms 1, 2, 3 while the offload price is a warm-up's 5 (a slow first offload): arm 1's
     * reward is 0.95 − 0.1 − 5 = −4.15. Then the estimate settles at o = 0.05: arm 1 is worth
     * 0.95 − 0.15 = 0.80, arm 2 0.9 − 0.2 = 0.70, arm 3 0.95 − 0.3 = 0.65. Priced when recorded, arm 1 keeps
     * −4.15 and arm 2 is chosen (wrong); priced at choice time, arm 1 is (right).
     */
    @ParameterizedTest
    @ValueSource(strings = {"splitee", "splitee:window=5", "splitee:discount=0.99", "splitee:detect=ph",
            "splitee-s", "splitee-s:detect=ph", "splitee-s-paper", "splitee-s:window=5", "splitee-s:side=learned"})
    void choiceTimePricingRanksArmsWithTodaysCosts(String spec) {
        assertEquals(2, afterWarmUp(spec, false), spec + ", priced when recorded: the warm-up price stays in arm 1's mean");
        assertEquals(1, afterWarmUp(spec, true), spec + ", priced at choice time");
    }

    private static int afterWarmUp(String spec, boolean drifts) {
        Moving m = new Moving(5, drifts);
        EngineConfig config = config(m);
        Policy p = Policies.parse(spec, config);
        boolean side = p.characteristics().contains(Characteristic.SIDE_OBSERVATIONS);
        for (int i = 0; i < (side && !spec.contains("paper") ? 1 : 3); i++) {
            Plan plan = p.choose();
            p.record(HandTrace.outcome(config, plan.arm(), ROW));
        }
        m.offload = 0.05;
        return p.choose().arm();
    }

    /** Priced at choice time, the index is Σ term − (N − K)·cost(a, device) − K·cost(a, offloaded), by hand. */
    @Test
    void indexByHand() {
        SampleMeanStatistics s = new SampleMeanStatistics(2);
        s.update(1, 0.0, 0.75, false);
        s.update(1, 0.0, 0.875, true);
        s.update(1, 0.0, 0.5, true);
        Moving m = new Moving(0.5, true);
        Prices prices = Prices.of(new EngineConfig(2, 0.5, m));
        // terms 2.125; one on the device at 0.1, two offloaded at 0.6: 2.125 − 0.1 − 1.2 = 0.825
        assertEquals(0.825, prices.sum(s, 1), 1e-15);
        assertEquals(0.0, Prices.RECORDED.sum(s, 1), 0.0, "the recorded rewards");
        assertEquals(0.825 / 3 + Math.sqrt(StrictMath.log(4) / 3), s.index(1, StrictMath.log(4), 1, prices), 1e-15);
    }

    /**
     * The link drops at sample 2,000 (o: 0.05 → 3). Device costs 0.1, 0.2, 0.6 for arms 1, 2, 3; arm 1 always
     * offloads (C_1 &lt; α), arm 2 always exits (C_2 uniform in [0.6, 0.8]), arm 3 is the final exit (C_3 uniform in
     * [0.8, 1]). Before the drop arm 1 is best (0.9 − 0.15 = 0.75 against 0.5 and 0.3), after it arm 2
     * (arm 1: −2.2). Priced at choice time, {@code splitee:detect=ph} moves to arm 2 within a few samples of the
     * drop, and the detector, which watches the cost-independent terms, raises no alarm: the change is in the
     * price, not in the samples.
     */
    @Test
    void followsAPriceChangeWithoutAnAlarm() {
        double[] device = {0.1, 0.2, 0.6};
        double[] offload = {0.05};
        CostModel m = CostModel.drifting((arm, offloaded) -> device[arm - 1] + (offloaded ? offload[0] : 0));
        EngineConfig config = new EngineConfig(3, 0.5, m, 1.0, 0);
        Policy p = Policies.parse("splitee:detect=ph", config);
        SplitMix64 random = new SplitMix64(5);
        List<Integer> played = new ArrayList<>();
        for (int t = 0; t < 4000; t++) {
            if (t == 2000) {
                offload[0] = 3;
            }
            double[] row = {0.4 * unit(random), 0.6 + 0.2 * unit(random), 0.8 + 0.2 * unit(random)};
            Plan plan = p.choose();
            played.add(plan.arm());
            p.record(HandTrace.outcome(config, plan.arm(), row));
        }
        DetectingStatistics d = (DetectingStatistics) ((AbstractPolicy) p).stats;
        assertEquals(0, d.alarms(), "no alarm: only the price changed");
        assertTrue(share(played, 1500, 2000, 1) > 0.8, "arm 1 before the drop");
        assertEquals(0, share(played, 2001, 4000, 1), 0.0, "arm 1 is not played again after its first priced choice");
        assertEquals(2, played.get(2000), "the first choice after the drop is the new best arm");
        assertTrue(share(played, 2000, 2200, 2) > 0.7, "arm 2 over the 200 samples after the drop: "
                + share(played, 2000, 2200, 2));
        assertTrue(share(played, 3000, 4000, 2) > 0.9, "arm 2 at the end: " + share(played, 3000, 4000, 2));
    }

    /**
     * Page-Hinkley in measured units. One arm: terms uniform in [0.8, 1], offloaded with probability 0.3 at a
     * surcharge of 2 reward units (20 ms of link at 0.1 per ms) over a device cost of 0.4: reward = term − 0.4 − 2·z,
     * variance about 0.21·4 = 0.84, against 1/300 for the terms. At the paper's defaults (δ = 0.05, h = 8) a test on
     * those rewards expects a false alarm every σ²/(2δ²)·exp(2δh/σ²) ≈ 170·e^0.95 ≈ 440 rewards; one on the terms
     * (variance 1/300) practically never. At reward 10,001 the terms drop by 0.3 (uniform in [0.5, 0.7]): the
     * test on terms fires after about h/(0.3 − δ) = 32 rewards (10 to 120 allowed).
     */
    @Test
    void detectorOnTermsWorksInMeasuredUnits() {
        DetectingStatistics onRewards = new DetectingStatistics(() -> new SampleMeanStatistics(1), 0.05, 8, false);
        DetectingStatistics onTerms = new DetectingStatistics(() -> new SampleMeanStatistics(1), 0.05, 8, true);
        SplitMix64 random = new SplitMix64(21);
        long falseAlarms = -1;
        int alarmAt = -1;
        for (int i = 1; i <= 12_000 && alarmAt < 0; i++) {
            double term = i <= 10_000 ? 0.8 + 0.2 * unit(random) : 0.5 + 0.2 * unit(random);
            boolean offloaded = unit(random) < 0.3;
            double reward = term - 0.4 - (offloaded ? 2 : 0);
            onRewards.tick();
            onTerms.tick();
            onRewards.update(1, reward, term, offloaded);
            onTerms.update(1, reward, term, offloaded);
            if (i == 10_000) {
                falseAlarms = onRewards.alarms();
                assertEquals(0, onTerms.alarms(), "the test on terms is silent before the change");
            }
            if (onTerms.alarms() > 0) {
                alarmAt = i;
            }
        }
        assertTrue(falseAlarms >= 5, "a test on measured rewards raises false alarms: " + falseAlarms);
        assertTrue(alarmAt - 10_000 >= 10 && alarmAt - 10_000 <= 120, "fired " + (alarmAt - 10_000) + " after the step");
    }

    /** Snapshots keep the cost-independent part: a restored policy continues exactly, under drifting prices. */
    @ParameterizedTest
    @ValueSource(strings = {"splitee", "splitee-s", "splitee:window=7", "splitee-s:discount=0.99",
            "splitee-s:detect=ph", "splitee-s:window=7,detect=ph,detect-threshold=0.5"})
    void restoreContinuesExactlyUnderDriftingPrices(String spec) {
        Moving m = new Moving(0.05, true);
        EngineConfig config = new EngineConfig(3, 0.5, m, 1.0, 0);
        Policy p = Policies.parse(spec, config);
        SplitMix64 random = new SplitMix64(9);
        for (int t = 0; t < 150; t++) {
            m.offload = 0.05 + 0.01 * (t % 7);
            step(p, config, random);
        }
        PolicyState mid = PolicyState.fromBytes(p.snapshot().toBytes());
        assertEquals(PolicyState.VERSION, mid.version());
        assertTrue(mid.pricing().length >= 6, "the term sums and offload counts of 3 arms");
        Policy back = Policies.restore(mid, config);
        SplitMix64 r1 = new SplitMix64(10);
        SplitMix64 r2 = new SplitMix64(10);
        for (int t = 0; t < 100; t++) {
            m.offload = 0.05 + 0.02 * (t % 5);
            assertEquals(step(p, config, r1), step(back, config, r2), spec + " at " + t);
        }
        assertEquals(p.snapshot(), back.snapshot());
    }

    /**
     * A version 2 state (rewards priced when recorded) is migrated: each recorded reward becomes a term answered on
     * the device at the arm's current price, so right after the restore the arms' priced sums are the recorded
     * ones, and the policy chooses what the version 2 policy chose.
     */
    @ParameterizedTest
    @ValueSource(strings = {"splitee", "splitee:window=4", "splitee:discount=0.9", "splitee:detect=ph"})
    void versionTwoStateIsMigrated(String spec) {
        Moving fixed = new Moving(0.3, false);
        EngineConfig old = new EngineConfig(3, 0.5, fixed, 1.0, 0);
        Policy p = Policies.parse(spec, old);
        SplitMix64 random = new SplitMix64(3);
        for (int t = 0; t < 40; t++) {
            step(p, old, random);
        }
        PolicyState v3 = p.snapshot();
        PolicyState v2 = PolicyState.fromBytes(new PolicyState(PolicyState.VERSION_2, v3.policy(), v3.arms(), v3.round(),
                v3.randomState(), v3.rewardSums(), v3.updateCounts(), v3.memory()).toBytes());
        assertEquals(0, v2.pricing().length);
        Moving drifting = new Moving(0.3, true);
        EngineConfig now = new EngineConfig(3, 0.5, drifting, 1.0, 0);
        AbstractPolicy migrated = (AbstractPolicy) Policies.restore(v2, now);
        AbstractPolicy recorded = (AbstractPolicy) Policies.restore(v2, old);
        Prices prices = Prices.of(now);
        for (int a = 1; a <= 3; a++) {
            assertEquals(recorded.stats.sum(a), prices.sum(migrated.stats, a), 1e-9, spec + ", arm " + a);
        }
        assertEquals(recorded.choose().arm(), migrated.choose().arm(), spec);
        assertEquals(PolicyState.VERSION, migrated.snapshot().version());
        assertArrayEquals(new double[] {0, 0, 0}, java.util.Arrays.copyOfRange(migrated.snapshot().pricing(), 3, 6),
                0.0, "no offload is known of the migrated samples");
    }

    private static int step(Policy p, EngineConfig config, SplitMix64 random) {
        double[] row = {unit(random), unit(random), 0.5 + 0.5 * unit(random)};
        Plan plan = p.choose();
        Observation o = PlanExecutor.execute(plan, config, exit -> row[exit - 1]);
        p.record(o.offloads() ? o.answered(row[2]) : o.exited());
        return plan.arm();
    }

    private static double share(List<Integer> played, int from, int to, int arm) {
        return played.subList(from, to).stream().filter(a -> a == arm).count() / (double) (to - from);
    }

    private static double unit(SplitMix64 random) {
        return (random.nextLong() >>> 11) * 0x1.0p-53;
    }
}
