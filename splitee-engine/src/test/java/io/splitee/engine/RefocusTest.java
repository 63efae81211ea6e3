package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * refocus=f: after an alarm, K plays of arm L with every exit on the way, then f·c until the next alarm. Worked by
 * hand from a state taken right after an alarm; off (or before the first alarm) it is the detector's play, bit for bit.
 */
class RefocusTest {

    /** Every sample after the alarm: C = (0.8, 0.8, 0.8), so every arm exits on the device (α = 3/4). */
    private static final double[] ROW = {0.8, 0.8, 0.8};

    /**
     * A splitee-s state right after an alarm at round 10 (the detector's round count 10, its last alarm 10,
     * every statistic and test at 0), restored, then driven with {@link #ROW} on the hand config (α = 3/4,
     * λ = 1/16, o = 1/4, c = 1, 3 arms). The rewards are fixed: arm 1 exits with 0.8 − 1/16 = 0.7375, arm 2
     * 0.8 − 2/16 = 0.675, arm 3 0.8 − 3/16 = 0.6125 (constant rewards: every Page-Hinkley statistic stays 0).
     *
     * <p>Without refocus ({@code detect=ph}): round 11 plays the deepest unobserved arm, 3, every exit on the way
     * (N = 1, 1, 1); round 12, ln(12 − 10) with equal counts: the best mean, arm 1 (N₁ = 2); round 13,
     * ln 3 = 1.0986: arm 1 0.7375 + √(1.0986/2) = 1.4787, arm 2 0.675 + √1.0986 = 1.7231, arm 3 0.6125 + 1.0481
     * = 1.6606: arm 2, with exit 1 on the way (its index 1.4787 reaches the best mean 0.7375; N = 3, 2, 1);
     * round 14, ln 4 = 1.3863: arm 1 0.7375 + √(1.3863/3) = 1.4173, arm 2 0.675 + √(1.3863/2) = 1.5076, arm 3
     * 0.6125 + √1.3863 = 1.7899: arm 3. Plays 3, 1, 2, 3.
     *
     * <p>With {@code refocus=0.1,refocus-plays=2}: rounds 11 and 12 play arm 3 with every exit on the way
     * (N = 2, 2, 2); round 13, ln 3 with c = 0.1 and equal counts: arm 1 (N₁ = 3); round 14, ln 4: arm 1 0.7375 +
     * 0.1·√(1.3863/3) = 0.8055, arm 2 0.675 + 0.1·√(1.3863/2) = 0.7583, arm 3 0.6125 + 0.0833 = 0.6958: arm 1.
     * Plays 3, 3, 1, 1. With {@code refocus=1} (the plays without the smaller constant) round 14 compares
     * 1.4173, 1.5076 and 0.6125 + 0.8326 = 1.4451 as above: arm 2. Plays 3, 3, 1, 2.
     */
    @Test
    void handWorkedAfterAnAlarm() {
        assertEquals(List.of(3, 1, 2, 3), afterAlarm("splitee-s:detect=ph", 4));
        assertEquals(List.of(3, 3, 1, 1), afterAlarm("splitee-s:detect=ph,refocus=0.1,refocus-plays=2", 4));
        assertEquals(List.of(3, 3, 1, 2), afterAlarm("splitee-s:detect=ph,refocus=1,refocus-plays=2", 4));
    }

    /** The forced plays evaluate every exit on the way; the first choice after them only its own. */
    @Test
    void forcedPlaysObserveEveryArm() {
        EngineConfig config = HandTrace.config();
        Policy p = Policies.restore(justAfterAlarm("splitee-s:detect=ph,refocus=0.1,refocus-plays=2"), config);
        for (int round = 11; round <= 12; round++) {
            Plan plan = p.choose();
            assertEquals(3, plan.arm());
            assertTrue(plan.evaluatesOnTheWay(1) && plan.evaluatesOnTheWay(2), "round " + round);
            p.record(PlanExecutor.execute(plan, config, exit -> ROW[exit - 1]).exited());
        }
        assertEquals(2, p.snapshot().updateCounts()[0], "two side observations of arm 1");
        Plan next = p.choose();
        assertEquals(1, next.arm());
        assertFalse(next.evaluatesOnTheWay(2));
    }

    /** Without an alarm (a threshold the stream never reaches) refocus plays exactly what the detector plays. */
    @Test
    void withoutAnAlarmItIsTheDetectorBitForBit() {
        for (String base : List.of("splitee-s:detect=ph,detect-threshold=1000",
                "splitee-s:side=learned,detect=ph,detect-threshold=1000",
                "splitee-s-paper:detect=ph,detect-threshold=1000")) {
            EngineConfig config = HandTrace.config();
            Policy plain = Policies.parse(base, config);
            Policy refocus = Policies.parse(base + ",refocus=0.1", config);
            for (int t = 0; t < 600; t++) {
                double[] row = HandTrace.ROWS[(int) ((t * 7L + t / 5) % 6)];
                assertEquals(step(plain, config, row), step(refocus, config, row), base + " at t=" + (t + 1));
            }
            PolicyState a = plain.snapshot();
            PolicyState b = refocus.snapshot();
            assertEquals(new PolicyState(a.version(), b.policy(), a.arms(), a.round(), a.randomState(), a.rewardSums(),
                    a.updateCounts(), a.memory(), a.pricing()), b, base);
        }
    }

    /**
     * After a change the detector fires and refocus takes over: its plays differ from the detector's from the round
     * after the alarm on, the first K of them at arm L; a snapshot taken during the plays of L and one after them
     * restore to the same choices.
     */
    @Test
    void followsAnAlarmAndRestoresMidWay() {
        String spec = "splitee-s:side=learned,detect=ph,detect-threshold=1,refocus=0.1,refocus-plays=20";
        EngineConfig config = HandTrace.config();
        Policy p = Policies.parse(spec, config);
        Policy plain = Policies.parse("splitee-s:side=learned,detect=ph,detect-threshold=1", config);
        DetectingStatistics d = (DetectingStatistics) ((AbstractPolicy) p).stats;
        List<Integer> arms = new ArrayList<>();
        List<Integer> plainArms = new ArrayList<>();
        long alarm = 0;
        for (int t = 0; t < 2200 && alarm == 0; t++) {
            double[] row = t < 2000 ? new double[] {0.5, 0.5, 0.9} : new double[] {0.9, 0.9, 0.9};
            arms.add(step(p, config, row));
            plainArms.add(step(plain, config, row));
            alarm = d.lastAlarm();
        }
        assertTrue(alarm > 2000, "the detector fired at round " + alarm);
        assertEquals(plainArms, arms, "the same play up to the alarm");
        List<Policy> restored = new ArrayList<>();
        for (int k = 1; k <= 30; k++) {
            if (k == 7 || k == 25) {
                restored.add(Policies.restore(PolicyState.fromBytes(p.snapshot().toBytes()), config));
            }
            int arm = step(p, config, new double[] {0.9, 0.9, 0.9});
            for (Policy r : restored) {
                assertEquals(arm, step(r, config, new double[] {0.9, 0.9, 0.9}), "restored copy at round " + (alarm + k));
            }
            if (k <= 20) {
                assertEquals(3, arm, "forced play " + k);
            } else {
                assertNotEquals(3, arm, "arm 3 is the worst after the change, round " + (alarm + k));
            }
        }
        assertEquals(1, d.alarms(), "one alarm");
    }

    /** The spec: canonical form, the default K, and every bad combination named. */
    @Test
    void specParameters() {
        assertEquals("splitee-s:side=learned,detect=ph,refocus=0.1",
                PolicySpec.parse("splitee-s:refocus=0.1,detect=ph,side=learned,refocus-plays=30").toString());
        assertEquals(30, PolicySpec.parse("splitee-s:detect=ph,refocus=0.1").refocusPlays());
        assertEquals("splitee-s-paper:detect=ph,refocus=0.5,refocus-plays=10",
                PolicySpec.parse("splitee-s-paper:detect=ph,refocus=0.5,refocus-plays=10").toString());
        assertEquals("splitee-s:detect=ph", PolicySpec.parse("splitee-s:detect=ph,refocus=0.1").withRefocus(0, 0).toString());
        assertEquals(PolicySpec.parse("splitee-s:detect=ph").characteristics(),
                PolicySpec.parse("splitee-s:detect=ph,refocus=0.1").characteristics());
        PolicyStateTest.assertMessage("refocus acts after a change detector's alarm; it needs detect=ph",
                () -> PolicySpec.parse("splitee-s:refocus=0.1"));
        PolicyStateTest.assertMessage("refocus is for splitee-s and splitee-s-paper",
                () -> PolicySpec.parse("splitee:detect=ph,refocus=0.1"));
        PolicyStateTest.assertMessage("refocus must be in (0, 1], got 0",
                () -> PolicySpec.parse("splitee-s:detect=ph,refocus=0"));
        PolicyStateTest.assertMessage("refocus must be in (0, 1], got 1.5",
                () -> PolicySpec.parse("splitee-s:detect=ph,refocus=1.5"));
        PolicyStateTest.assertMessage("refocus-plays needs refocus=f",
                () -> PolicySpec.parse("splitee-s:detect=ph,refocus-plays=5"));
        PolicyStateTest.assertMessage("refocus-plays must be in 1..10000, got 0",
                () -> PolicySpec.parse("splitee-s:detect=ph,refocus=0.1,refocus-plays=0"));
        PolicyStateTest.assertMessage("refocus-plays 'x' is not a number",
                () -> PolicySpec.parse("splitee-s:detect=ph,refocus=0.1,refocus-plays=x"));
        PolicyStateTest.assertMessage("refocus needs both its factor and its plays",
                () -> PolicySpec.parse("splitee-s:detect=ph").withRefocus(0.1, 0));
    }

    /** The first {@code n} plays after restoring {@link #justAfterAlarm}, every sample {@link #ROW}. */
    private static List<Integer> afterAlarm(String spec, int n) {
        EngineConfig config = HandTrace.config();
        Policy p = Policies.restore(justAfterAlarm(spec), config);
        List<Integer> arms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            arms.add(step(p, config, ROW));
        }
        return arms;
    }

    /**
     * The state of {@code spec} (splitee-s with the detector, 3 arms) right after an alarm at round 10: the
     * detector's memory (round count, last alarm, then n, mean, g⁺, g⁻ per arm) and nothing learned since.
     */
    private static PolicyState justAfterAlarm(String spec) {
        double[] memory = new double[2 + 4 * 3];
        memory[0] = 10;
        memory[1] = 10;
        return new PolicyState(PolicyState.VERSION, PolicySpec.parse(spec).toString(), 3, 10, 0, new double[3],
                new long[3], memory, new double[6]);
    }

    /** One sample as a device sees it: the plan executed on {@code row}, C_L given to an offload. */
    private static int step(Policy p, EngineConfig config, double[] row) {
        Observation seen = PlanExecutor.execute(p.choose(), config, exit -> row[exit - 1]);
        p.record(seen.offloads() ? seen.answered(row[2]) : seen.exited());
        return seen.arm();
    }
}
