package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Discounted and sliding-window UCB: hand-worked updates, and γ = 1 / τ ≥ the run equal to UCB1 bit for bit. */
class DriftingStatisticsTest {

    private static final EngineConfig CONFIG = HandTrace.config();

    /**
     * γ = 1/2, 2 arms. Round 1: tick (nothing yet, T = 1), update arm 1 with 0.5. Round 2: tick halves
     * everything: Q1 = 0.25, W1 = 0.5, T = 1.5; update arm 2 with 1: Q2 = 1, W2 = 1. Round 3: tick:
     * Q = (0.125, 0.5), W = (0.25, 0.5), T = 1.75; update arm 1 with 1: Q1 = 1.125, W1 = 1.25.
     * Index of arm 1 at c = 1: 1.125/1.25 + sqrt(ln 1.75 / 1.25) = 0.9 + 0.669098 = 1.569098;
     * arm 2: 0.5/0.5 + sqrt(ln 1.75 / 0.5) = 1 + 1.057938 = 2.057938 → arm 2.
     */
    @Test
    void discountedHandWorked() {
        DiscountedStatistics d = new DiscountedStatistics(2, 0.5);
        d.tick();
        d.update(1, 0.5);
        d.tick();
        d.update(2, 1);
        d.tick();
        d.update(1, 1);
        assertArrayEquals(new double[] {1.125, 0.5}, d.rewardSums(), 0.0);
        assertArrayEquals(new double[] {1.25, 0.5, 1.75}, d.memory(), 0.0);
        assertArrayEquals(new long[] {2, 1}, d.updateCounts());
        assertEquals(0.9 + Math.sqrt(StrictMath.log(1.75) / 1.25), d.index(1, d.logRound(3), 1), 1e-15);
        assertEquals(1.569098, d.index(1, d.logRound(3), 1), 1e-6);
        assertEquals(2.057938, d.index(2, d.logRound(3), 1), 1e-6);
        assertEquals(2, d.argmaxIndex(3, 1));
    }

    /**
     * τ = 2, 1 arm: rewards 0.25, 0.5, 1, 0.125. After two Q = 0.75 (N = 2); the third evicts 0.25:
     * Q = 1.5; the fourth evicts 0.5: Q = 1.125, N = min(4, 2) = 2, mean 0.5625; the window is (1, 0.125).
     */
    @Test
    void windowHandWorked() {
        WindowStatistics w = new WindowStatistics(1, 2);
        w.update(1, 0.25);
        w.update(1, 0.5);
        assertArrayEquals(new double[] {0.75}, w.rewardSums(), 0.0);
        w.update(1, 1);
        assertArrayEquals(new double[] {1.5}, w.rewardSums(), 0.0);
        w.update(1, 0.125);
        assertArrayEquals(new double[] {1.125}, w.rewardSums(), 0.0);
        assertEquals(0.5625, w.bestMean(), 0.0);
        assertEquals(4, w.count(1));
        assertArrayEquals(new double[] {1, 0.125}, w.memory(), 0.0);
        assertEquals(0.5625 + Math.sqrt(StrictMath.log(9) / 2), w.index(1, StrictMath.log(9), 1), 0.0);
        WindowStatistics back = new WindowStatistics(1, 2);
        back.load(w.rewardSums(), w.updateCounts(), w.memory());
        back.update(1, 0.75);
        assertArrayEquals(new double[] {0.875}, back.rewardSums(), 0.0);
    }

    /** γ = 1 and a window longer than the run play and learn exactly what the stationary policy does. */
    @ParameterizedTest
    @ValueSource(strings = {"splitee", "splitee-s", "splitee-s-paper"})
    void neutralParametersEqualTheStationaryPolicy(String base) {
        List<Integer> plain = run(base, 600);
        assertEquals(plain, run(base + ":discount=1", 600));
        assertEquals(plain, run(base + ":window=100000", 600));
        assertNotEquals(plain, run(base + ":discount=0.9", 600), "a discount changes the play");
        assertEquals(policyState(base, 600).rewardSums()[1], policyState(base + ":discount=1", 600).rewardSums()[1], 0.0);
    }

    /** A shuffled stream of the hand rows whose costs change half-way (a drifted C_L on every row). */
    private static List<Integer> run(String spec, int n) {
        Policy p = Policies.parse(spec, CONFIG);
        List<Integer> arms = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            arms.add(step(p, t));
        }
        return arms;
    }

    private static PolicyState policyState(String spec, int n) {
        Policy p = Policies.parse(spec, CONFIG);
        for (int t = 0; t < n; t++) {
            step(p, t);
        }
        return p.snapshot();
    }

    private static int step(Policy p, int t) {
        double[] row = HandTrace.ROWS[(int) ((t * 7L + t / 5) % 6)].clone();
        if (t >= 300) {
            row[0] = 1.0 - row[0] / 2; // exit 1 becomes confident: arm 1 turns best
        }
        Plan plan = p.choose();
        Observation seen = PlanExecutor.execute(plan, CONFIG, exit -> row[exit - 1]);
        Outcome o = seen.offloads() ? seen.answered(row[2]) : seen.exited();
        if (p.characteristics().contains(Characteristic.NEEDS_FINAL_CONFIDENCE)) {
            o = HandTrace.outcome(CONFIG, seen.arm(), row);
        }
        p.record(o);
        return seen.arm();
    }

    /** A version 1 state (before the memory field) still reads and restores. */
    @Test
    void versionOneStateRestores() {
        PolicyState v1 = new PolicyState(PolicyState.VERSION_1, "splitee", 3, 3, 0, new double[] {0.8125, 0.5, 0.5},
                new long[] {1, 1, 1});
        byte[] bytes = v1.toBytes();
        assertEquals(4 + 4 + 4 + 7 + 4 + 8 + 8 + 3 * 16, bytes.length, "the version 1 layout");
        Policy p = Policies.restore(PolicyState.fromBytes(bytes), CONFIG);
        assertEquals(1, p.choose().arm(), "t = 4 of the hand-worked SplitEE run");
        assertEquals(PolicyState.VERSION, p.snapshot().version());
    }

    /**
     * side=learned on the hand config (α = 3/4, λ = 1/16, o = 1/4), 3 arms. A play of arm 3 seeing
     * C = (0.5, 0.875, 0.625) teaches D[2] and D[1][2]: C_L − C_2 = −0.25. An offload at arm 2 seeing
     * C = (0.25, 0.5, 0.125) teaches nothing (an offload's C_L is not a fair draw). Then a sample that exits
     * at arm 2 with C = (0.5, 0.9375, -): arm 1 (C_1 &lt; α) is credited with C_L estimated as
     * 0.9375 − 0.25 = 0.6875 (the pair has 1 &lt; 10 samples, so D[2] is used), minus cost(1, offloaded)
     * 0.3125: 0.375. The C_a stand-in of splitee-s would credit 0.9375 − 0.3125 = 0.625.
     */
    @Test
    void learnedSideObservationHandWorked() {
        Policy p = Policies.parse("splitee-s:side=learned", CONFIG);
        double u = Outcome.UNOBSERVED;
        p.record(new Outcome(3, false, new double[] {0.5, 0.875, 0.625}));
        p.record(new Outcome(2, true, new double[] {0.25, 0.5, 0.125}));
        double q1 = p.snapshot().rewardSums()[0];
        p.record(new Outcome(2, false, new double[] {0.5, 0.9375, u}));
        assertEquals(0.375, p.snapshot().rewardSums()[0] - q1, 1e-15);
        Policy standIn = Policies.parse("splitee-s", CONFIG);
        standIn.record(new Outcome(2, false, new double[] {0.5, 0.9375, u}));
        assertEquals(0.625, standIn.snapshot().rewardSums()[0], 1e-15);
        assertEquals(2 * 3 * 3, p.snapshot().memory().length, "the estimate's 2·L² values; UCB1 keeps none");
    }

    /** Probes: only at rounds 4, 9, 16, ... (and then only as ProbeRuleTest works out). */
    @Test
    void probesAtSquareRounds() {
        assertEquals(List.of(4L, 9L, 16L, 25L), java.util.stream.LongStream.rangeClosed(1, 30)
                .filter(UcbPolicy::isProbe).boxed().toList());
    }
}
