package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** detect=ph: the Page-Hinkley test by hand, its delay on a step, its silence on a stationary stream, the reset. */
class ChangeDetectorTest {

    private static DetectingStatistics detector(int arms, double delta, double h) {
        return new DetectingStatistics(() -> new SampleMeanStatistics(arms), delta, h);
    }

    /**
     * δ = 0.1, h = 1, one arm: rewards 0, 0, 0, 0 leave g⁺ = g⁻ = 0 (x − x̄ = 0, minus δ, clamped at 0).
     * Then 1: x̄ = 1/5, g⁺ = 1 − 0.2 − 0.1 = 0.7, g⁻ = max(0, 0.2 − 1 − 0.1) = 0; no alarm (0.7 ≤ 1).
     * Then 1 again: x̄ = 2/6, g⁺ = 0.7 + 1 − 1/3 − 0.1 = 1.2667 &gt; 1: the alarm, at the second reward
     * after the step, and the arm's statistics start over (N = 0, Q = 0, the test at 0).
     */
    @Test
    void pageHinkleyHandWorked() {
        DetectingStatistics d = detector(1, 0.1, 1);
        for (int i = 0; i < 4; i++) {
            d.tick();
            d.update(1, 0);
        }
        assertArrayEquals(new double[] {0, 0}, d.statistic(1), 0.0);
        d.tick();
        d.update(1, 1);
        assertArrayEquals(new double[] {0.7, 0}, d.statistic(1), 1e-15);
        assertEquals(0, d.alarms());
        assertEquals(5, d.count(1));
        d.tick();
        d.update(1, 1);
        assertEquals(1, d.alarms());
        assertEquals(6, d.lastAlarm());
        assertEquals(0, d.count(1), "every arm starts over");
        assertArrayEquals(new double[] {0, 0}, d.statistic(1), 0.0);
        d.tick();
        assertEquals(0.0, d.logRound(7), 0.0, "the index's round count restarts: ln(7 − 6) = 0");
    }

    /**
     * A downward step of d = 0.3 in a uniform [0, 1] stream (σ ≈ 0.289) after 2,000 rewards, δ = 0.05,
     * h = 15: each reward after the step adds about d − δ = 0.25 to g⁻ on average, so the test fires
     * after about h / 0.25 = 60 rewards; the assertion allows 30 to 120 (the noise's sum over 60 rewards
     * has σ ≈ 0.289·√60 ≈ 2.2, against the 15 it must add up to). It must not fire before the step.
     */
    @Test
    void firesOnAStepWithinTheComputedDelay() {
        DetectingStatistics d = detector(1, 0.05, 15);
        SplitMix64 random = new SplitMix64(7);
        int alarmAt = -1;
        for (int i = 1; i <= 3000 && alarmAt < 0; i++) {
            double x = uniform(random) - (i > 2000 ? 0.3 : 0);
            d.tick();
            d.update(1, x);
            if (d.alarms() > 0) {
                alarmAt = i;
            }
        }
        assertTrue(alarmAt > 2000, "fired before the step, at " + alarmAt);
        int delay = alarmAt - 2000;
        assertTrue(delay >= 30 && delay <= 120, "fired " + delay + " rewards after the step");
    }

    /**
     * Stationary uniform [0, 1] rewards on 3 arms, 100,000 each, δ = 0.05, h = 15: with a drift of −δ per
     * reward and variance σ² = 1/12, the mean time to a false alarm is of the order of
     * σ²/(2δ²)·exp(2δh/σ²) ≈ 16.7·e^18 rewards (Siegmund's approximation): it must not fire.
     */
    @Test
    void silentOnAStationaryStream() {
        DetectingStatistics d = detector(3, 0.05, 15);
        SplitMix64 random = new SplitMix64(11);
        for (int i = 0; i < 100_000; i++) {
            d.tick();
            for (int a = 1; a <= 3; a++) {
                d.update(a, uniform(random));
            }
        }
        assertEquals(0, d.alarms());
        assertEquals(100_000, d.count(2));
    }

    /** Without an alarm, detect=ph plays exactly what the policy without it plays; with one it does not. */
    @Test
    void noAlarmMeansTheSamePlay() {
        for (String base : List.of("splitee", "splitee-s", "splitee-s:side=learned", "splitee-s:window=50")) {
            List<Integer> plain = run(base, 600, false);
            assertEquals(plain, run(base + (base.contains(":") ? "," : ":") + "detect=ph,detect-threshold=1000", 600, false),
                    base);
        }
    }

    /**
     * The hand config (α = 3/4, λ = 1/16, o = 1/4, 3 arms), noise-free rows. Samples 1..2000 see
     * C = (0.5, 0.5, 0.9): arm 1 offloads (0.9 − 1/16 − 1/4 = 0.5875), arm 2 offloads (0.525), arm 3 exits
     * (0.9 − 3/16 = 0.7125): arm 3 is best. From sample 2001 on C = (0.9, 0.9, 0.9): arm 1 exits (0.8375),
     * arm 2 0.775, arm 3 still 0.7125: arm 1 is best. Arm 1's test sees a step of +0.25 on a constant
     * stream (g⁺ grows by 0.25·k/(k + i) − δ per observation) and fires within a few of its observations;
     * then everything is relearned from sample 2001's prices. Without the detector arm 1's mean must climb
     * past 0.7125 by averaging in new rewards, which takes about as many observations as it had before.
     */
    @Test
    void detectorFollowsAChange() {
        for (String base : List.of("splitee-s", "splitee-s:side=learned")) {
            List<Integer> plain = runStep(base, 3000);
            List<Integer> detect = runStep(base + (base.contains(":") ? "," : ":") + "detect=ph,detect-threshold=1", 3000);
            assertEquals(plain.subList(0, 2000), detect.subList(0, 2000), base + ": no alarm before the change");
            assertEquals(3, detect.get(1999), base + " plays arm 3 before the change");
            long plainOnes = plain.subList(2000, 3000).stream().filter(a -> a == 1).count();
            long detectOnes = detect.subList(2000, 3000).stream().filter(a -> a == 1).count();
            assertTrue(detectOnes >= 600, base + ": arm 1 in " + detectOnes + " of the 1,000 samples after the change");
            System.out.println(base + " " + plainOnes + " " + detectOnes);
            assertTrue(plainOnes < detectOnes - 100, base + ": arm 1 after the change: " + detectOnes + " with detect, "
                    + plainOnes + " without");
        }
    }

    /** The spec: canonical form (defaults not named), and bad parameters each named in one message. */
    @Test
    void specParameters() {
        assertEquals("splitee-s:side=learned,window=300,detect=ph",
                PolicySpec.parse("splitee-s:detect=ph,window=300,side=learned,detect-delta=0.05").toString());
        assertEquals("splitee:detect=ph,detect-threshold=15.0", PolicySpec.parse("splitee:detect=ph,detect-threshold=15").toString());
        assertTrue(PolicySpec.parse("splitee-s:detect=ph").has(Characteristic.FORGETS));
        assertEquals(8, PolicySpec.parse("splitee-s:detect=ph").detectThreshold(), 0.0);
        PolicyStateTest.assertMessage("detect must be 'ph' (Page-Hinkley), got 'cusum'",
                () -> PolicySpec.parse("splitee-s:detect=cusum"));
        PolicyStateTest.assertMessage("detect-delta and detect-threshold need detect=ph",
                () -> PolicySpec.parse("splitee-s:detect-delta=0.1"));
        PolicyStateTest.assertMessage("detect-threshold must be a number > 0, got '-1'",
                () -> PolicySpec.parse("splitee-s:detect=ph,detect-threshold=-1"));
        PolicyStateTest.assertMessage("not with init=authors", () -> PolicySpec.parse("splitee:init=authors,detect=ph"));
        PolicyStateTest.assertMessage("detect is for splitee, splitee-s and splitee-s-paper",
                () -> PolicySpec.parse("random").withDetector(0.05, 8));
    }

    private static List<Integer> runStep(String spec, int n) {
        EngineConfig config = HandTrace.config();
        Policy p = Policies.parse(spec, config);
        List<Integer> arms = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            double[] row = t < 2000 ? new double[] {0.5, 0.5, 0.9} : new double[] {0.9, 0.9, 0.9};
            Observation seen = PlanExecutor.execute(p.choose(), config, exit -> row[exit - 1]);
            p.record(seen.offloads() ? seen.answered(row[2]) : seen.exited());
            arms.add(seen.arm());
        }
        return arms;
    }

    private static double uniform(SplitMix64 random) {
        return (random.nextLong() >>> 11) * 0x1.0p-53;
    }

    private static List<Integer> run(String spec, int n, boolean change) {
        EngineConfig config = HandTrace.config();
        Policy p = Policies.parse(spec, config);
        List<Integer> arms = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            double[] row = HandTrace.ROWS[(int) ((t * 7L + t / 5) % 6)].clone();
            if (change && t >= 300) {
                row[0] = 1.0 - row[0] / 2;
            }
            Observation seen = PlanExecutor.execute(p.choose(), config, exit -> row[exit - 1]);
            p.record(seen.offloads() ? seen.answered(row[2]) : seen.exited());
            arms.add(seen.arm());
        }
        return arms;
    }
}
