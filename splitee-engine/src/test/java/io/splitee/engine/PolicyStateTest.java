package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PolicyStateTest {

    private static final EngineConfig CONFIG =
            new EngineConfig(3, HandTrace.ALPHA, new PaperCost(HandTrace.LAMBDA, HandTrace.OFFLOAD), 1.0, 11L);

    /** Snapshot mid-stream, restore from bytes, and both copies continue identically. */
    @ParameterizedTest
    @ValueSource(strings = {"splitee", "splitee-s", "random", "final", "fixed:2", "early-exit", "splitee-s-paper",
        "splitee:init=authors", "splitee:discount=0.9", "splitee-s:discount=0.95", "splitee:window=4",
        "splitee-s:window=7", "splitee-s-paper:window=3", "splitee-s:side=learned", "splitee-s:side=learned,window=5",
        "splitee:detect=ph,detect-threshold=0.5", "splitee-s:detect=ph,detect-delta=0.01,detect-threshold=0.3",
        "splitee-s:side=learned,window=5,detect=ph,detect-threshold=0.3",
        "splitee-s:side=learned,detect=ph,detect-threshold=0.3,refocus=0.1,refocus-plays=5",
        "splitee-s-paper:detect=ph,detect-threshold=0.3,refocus=0.5", "splitee:leave=first", "splitee-s:leave=first",
        "splitee-s-paper:leave=first", "splitee-s:side=learned,leave=first", "splitee-s:window=7,leave=first",
        "splitee-s:side=learned,detect=ph,detect-threshold=0.3,refocus=0.1,refocus-plays=5,leave=first"})
    void restoredPolicyContinuesExactly(String spec) {
        Policy original = Policies.parse(spec, CONFIG);
        for (int t = 0; t < 25; t++) {
            step(original, t);
        }
        PolicyState mid = original.snapshot();
        PolicyState decoded = PolicyState.fromBytes(mid.toBytes());
        assertEquals(mid, decoded);
        Policy restored = Policies.restore(decoded, CONFIG);
        assertEquals(spec, restored.spec());
        assertEquals(mid, restored.snapshot());
        for (int t = 25; t < 200; t++) {
            assertEquals(step(original, t), step(restored, t), spec + " diverged at t=" + (t + 1));
        }
        assertEquals(original.snapshot(), restored.snapshot());
    }

    /** One replay step on the hand trace; early exit stops at the first confident exit. */
    private static int step(Policy p, int t) {
        double[] row = HandTrace.ROWS[(t * 7) % 6];
        Observation seen = PlanExecutor.execute(p.choose(), CONFIG, exit -> row[exit - 1]);
        int arm = seen.arm();
        p.record(new Outcome(arm, CONFIG.offloads(arm, row[arm - 1]), row, seen.chosen()));
        return arm;
    }

    @Test
    void bytesRoundTripKeepsEveryField() {
        PolicyState s = new PolicyState(1, "splitee-s", 3, 17, -5L, new double[] {1.5, -0.25, 0}, new long[] {4, 2, 0});
        byte[] bytes = s.toBytes();
        assertEquals(4 + 4 + 4 + 9 + 4 + 8 + 8 + 3 * 16, bytes.length);
        PolicyState back = PolicyState.fromBytes(bytes);
        assertEquals(s, back);
        assertArrayEquals(new double[] {1.5, -0.25, 0}, back.rewardSums());
        assertEquals(-5L, back.randomState());
    }

    @Test
    void badBytesAreRejectedWithAReason() {
        byte[] good = Policies.parse("splitee", CONFIG).snapshot().toBytes();
        assertMessage("truncated", () -> PolicyState.fromBytes(Arrays.copyOf(good, good.length - 1)));
        assertMessage("truncated", () -> PolicyState.fromBytes(Arrays.copyOf(good, 10)));
        assertMessage("3 trailing bytes", () -> PolicyState.fromBytes(Arrays.copyOf(good, good.length + 3)));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertMessage("magic", () -> PolicyState.fromBytes(magic));
        byte[] version = good.clone();
        version[7] = 4;
        assertMessage("version 4", () -> PolicyState.fromBytes(version));
    }

    @Test
    void restoreChecksTheConfiguration() {
        PolicyState s = Policies.parse("splitee", CONFIG).snapshot();
        EngineConfig four = new EngineConfig(4, 0.5, new PaperCost(0, 0));
        assertMessage("4", () -> Policies.restore(s, four));
        PolicyState bad = new PolicyState(1, "nope", 3, 0, 0, new double[3], new long[3]);
        assertMessage("unknown policy", () -> Policies.restore(bad, CONFIG));
    }

    @Test
    void stateValidatesItsFields() {
        assertMessage("rewardSums[1]", () -> new PolicyState(1, "splitee", 2, 0, 0, new double[] {0, Double.NaN}, new long[2]));
        assertMessage("updateCounts[0]", () -> new PolicyState(1, "splitee", 2, 0, 0, new double[2], new long[] {-1, 0}));
        assertMessage("2 entries", () -> new PolicyState(1, "splitee", 2, 0, 0, new double[3], new long[2]));
        assertMessage("round", () -> new PolicyState(1, "splitee", 2, -1, 0, new double[2], new long[2]));
        assertMessage("version", () -> new PolicyState(9, "splitee", 2, 0, 0, new double[2], new long[2]));
    }

    @Test
    void snapshotIsACopy() {
        Policy p = Policies.parse("splitee", CONFIG);
        PolicyState s = p.snapshot();
        p.choose().arm();
        p.record(HandTrace.outcome(CONFIG, 1, HandTrace.ROWS[0]));
        assertEquals(0, s.round());
        assertArrayEquals(new long[3], s.updateCounts());
        s.rewardSums()[0] = 99;
        assertEquals(0.0, s.rewardSums()[0]);
    }

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }
}
