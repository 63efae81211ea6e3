package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BaselinePoliciesTest {

    private final EngineConfig config = HandTrace.config();

    @Test
    void finalAlwaysPlaysTheLastArm() {
        Policy p = Policies.parse("final", config);
        assertEquals("final", p.spec());
        for (int t = 0; t < 6; t++) {
            assertEquals(3, p.choose().arm());
            p.record(HandTrace.outcome(config, 3, HandTrace.ROWS[t]));
        }
        // sum of r3 over the trace
        assertArrayEquals(new double[] {0, 0, 3.8125}, p.snapshot().rewardSums(), 0.0);
        assertFalse(p.choose().stopsAtFirstConfidentExit());
    }

    @Test
    void fixedPlaysItsArm() {
        Policy p = Policies.parse("fixed:2", config);
        for (int t = 0; t < 6; t++) {
            assertEquals(2, p.choose().arm());
            p.record(HandTrace.outcome(config, 2, HandTrace.ROWS[t]));
        }
        assertArrayEquals(new double[] {0, 3.875, 0}, p.snapshot().rewardSums(), 0.0);
        assertEquals("fixed:2", Policies.parse("fixed:02", config).spec());
    }

    @Test
    void fixedArmOutsideRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Policies.parse("fixed:4", config));
        assertTrue(e.getMessage().contains("1..3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Policies.parse("fixed:0", config));
        assertThrows(IllegalArgumentException.class, () -> Policies.parse("fixed:x", config));
    }

    @Test
    void randomIsSeededUniformAndInRange() {
        EngineConfig seeded = new EngineConfig(3, HandTrace.ALPHA, config.costModel(), 1.0, 42L);
        Policy a = Policies.parse("random", seeded);
        Policy b = Policies.parse("random", seeded);
        Policy other = Policies.parse("random", new EngineConfig(3, HandTrace.ALPHA, config.costModel(), 1.0, 43L));
        int[] counts = new int[3];
        int[] seqA = new int[3000];
        int[] seqOther = new int[3000];
        for (int t = 0; t < 3000; t++) {
            int arm = a.choose().arm();
            assertEquals(arm, b.choose().arm(), "same seed, same sequence at t=" + t);
            seqA[t] = arm;
            seqOther[t] = other.choose().arm();
            counts[arm - 1]++;
        }
        assertNotEquals(java.util.Arrays.toString(seqA), java.util.Arrays.toString(seqOther));
        for (int c : counts) {
            // 3000 draws, expectation 1000, sd ≈ 26: deterministic for this seed anyway
            assertTrue(c > 850 && c < 1150, java.util.Arrays.toString(counts));
        }
    }

    @Test
    void earlyExitChoosesTheFinalArmAndStopsEarly() {
        Policy p = Policies.parse("early-exit", config);
        assertTrue(p.choose().stopsAtFirstConfidentExit());
        assertEquals(3, p.choose().arm());
        // row 3: C1 = 0.25, C2 = 0.75 ≥ α: the sample stops at exit 2, reward 0.75 − 0.125
        p.record(new Outcome(2, false, HandTrace.ROWS[2]));
        assertArrayEquals(new double[] {0, 0.625, 0}, p.snapshot().rewardSums(), 0.0);
        // row 2: no exit confident: final exit, reward 0.875 − 0.1875
        p.choose().arm();
        p.record(new Outcome(3, false, HandTrace.ROWS[1]));
        assertArrayEquals(new double[] {0, 0.625, 0.6875}, p.snapshot().rewardSums(), 0.0);
    }

    @Test
    void earlyExitRejectsAnOutcomePastAConfidentExit() {
        Policy p = Policies.parse("early-exit", config);
        p.choose().arm();
        // row 1: C1 = 0.875 ≥ α, so stopping at exit 3 is not what early exit does
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.record(new Outcome(3, false, HandTrace.ROWS[0])));
        assertTrue(e.getMessage().contains("exit 1"), e.getMessage());
        assertArrayEquals(new long[] {0, 0, 0}, p.snapshot().updateCounts(), "nothing credited");
    }

    @Test
    void unknownPolicyNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Policies.parse("ucb", config));
        assertTrue(e.getMessage().contains("unknown policy 'ucb'"), e.getMessage());
        assertTrue(e.getMessage().contains("splitee-s"), e.getMessage());
    }
}
