package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Policy#changesDetected()} and {@link Policy#lastChangeRound()}: the detector's alarms as the policy shows them,
 * 0 → 1 at the record that fires, 0 without a detector, and 0 again for a restored policy (the count is not persisted;
 * the round of the last alarm is).
 */
class ChangesDetectedTest {

    /** Before the change: arm 3 is best (C = 0.5, 0.5, 0.9); after it every exit is confident (C = 0.9, 0.9, 0.9). */
    private static final double[] BEFORE = {0.5, 0.5, 0.9};
    private static final double[] AFTER = {0.9, 0.9, 0.9};

    /**
     * The step of {@code ChangeDetectorTest.detectorFollowsAChange} (hand config, threshold 1): arm 1's rewards jump
     * from 0.5875 to 0.8375, its test fires within a few observations. The count is 0 at every round before the
     * record that fires and 1 from that record on; the policy's round then is its {@link Policy#lastChangeRound()},
     * the detector's own round of the alarm.
     */
    @Test
    void countsTheAlarmAtTheRecordThatFiresIt() {
        for (String spec : List.of("splitee-s:detect=ph,detect-threshold=1",
                "splitee-s:side=learned,detect=ph,detect-threshold=1,refocus=0.1")) {
            EngineConfig config = HandTrace.config();
            Policy p = Policies.parse(spec, config);
            DetectingStatistics d = (DetectingStatistics) ((AbstractPolicy) p).stats;
            assertEquals(0, p.changesDetected(), spec);
            long firedAt = 0;
            for (int t = 1; t <= 2300; t++) {
                step(p, config, t <= 2000 ? BEFORE : AFTER);
                long count = p.changesDetected();
                assertEquals(d.alarms(), count, spec + " at round " + t);
                if (firedAt == 0 && count == 1) {
                    firedAt = t;
                    assertEquals(t, p.lastChangeRound(), spec + ": the round of the alarm");
                    assertEquals(d.lastAlarm(), p.lastChangeRound(), spec);
                } else if (firedAt == 0) {
                    assertEquals(0, count, spec + " before the alarm, round " + t);
                    assertEquals(0, p.lastChangeRound(), spec + " before the alarm, round " + t);
                }
            }
            assertTrue(firedAt > 2000, spec + ": fired after the change, at round " + firedAt);
            assertEquals(1, p.changesDetected(), spec + ": one alarm for one change");
        }
    }

    /** The count comes from the record that fires, not from choose(): a choose() after it leaves it as it is. */
    @Test
    void onlyRecordRaisesIt() {
        EngineConfig config = HandTrace.config();
        Policy p = Policies.parse("splitee-s:detect=ph,detect-threshold=1", config);
        int t = 0;
        while (p.changesDetected() == 0 && t < 2300) {
            t++;
            double[] row = t <= 2000 ? BEFORE : AFTER;
            Observation seen = PlanExecutor.execute(p.choose(), config, exit -> row[exit - 1]);
            assertEquals(0, p.changesDetected(), "choose() never fires, round " + t);
            p.record(seen.offloads() ? seen.answered(row[2]) : seen.exited());
        }
        assertEquals(1, p.changesDetected());
        p.choose();
        assertEquals(1, p.changesDetected());
    }

    /** Policies without a change detector report 0 however their rewards change. */
    @Test
    void zeroWithoutADetector() {
        for (String spec : List.of("splitee", "splitee-s", "splitee-s:side=learned", "splitee-s-paper",
                "splitee:window=100", "final", "fixed:2", "random", "early-exit")) {
            EngineConfig config = HandTrace.config();
            Policy p = Policies.parse(spec, config);
            for (int t = 1; t <= 2300; t++) {
                step(p, config, t <= 2000 ? BEFORE : AFTER);
            }
            assertEquals(0, p.changesDetected(), spec);
            assertEquals(0, p.lastChangeRound(), spec);
        }
    }

    /**
     * A restored policy starts its count at 0 (not persisted) but keeps the round of the last alarm (persisted), and
     * counts its own alarms from there; a snapshot's restore plays on exactly as the original did.
     */
    @Test
    void restoreStartsTheCountAtZero() {
        String spec = "splitee-s:detect=ph,detect-threshold=1";
        EngineConfig config = HandTrace.config();
        Policy p = Policies.parse(spec, config);
        int t = 0;
        while (p.changesDetected() == 0) {
            t++;
            step(p, config, t <= 2000 ? BEFORE : AFTER);
        }
        long alarmRound = p.lastChangeRound();
        Policy r = Policies.restore(PolicyState.fromBytes(p.snapshot().toBytes()), config);
        assertEquals(0, r.changesDetected(), "not persisted");
        assertEquals(alarmRound, r.lastChangeRound(), "the state keeps the round of the last alarm");
        // 500 more rounds after the change, then back to the first world: both fire again, at the same round; the
        // restored one counts 1, the original 2
        long second = 0;
        for (int k = 0; k < 4000 && second == 0; k++) {
            double[] row = k < 500 ? AFTER : BEFORE;
            assertEquals(step(p, config, row), step(r, config, row), "the same play after the restore");
            assertEquals(p.changesDetected() - 1, r.changesDetected());
            if (r.changesDetected() == 1) {
                second = r.lastChangeRound();
            }
        }
        assertTrue(second > alarmRound, "a second alarm after the change back, at round " + second);
        assertEquals(2, p.changesDetected());
        assertEquals(second, p.lastChangeRound());
    }

    private static int step(Policy p, EngineConfig config, double[] row) {
        Observation seen = PlanExecutor.execute(p.choose(), config, exit -> row[exit - 1]);
        p.record(seen.offloads() ? seen.answered(row[2]) : seen.exited());
        return seen.arm();
    }
}
