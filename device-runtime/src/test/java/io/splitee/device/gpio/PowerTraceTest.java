package io.splitee.device.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.cost.EnergyEstimates;
import org.junit.jupiter.api.Test;

/** Energy integrated over hand-made intervals from hand-made readings (W × ms = mJ). */
class PowerTraceTest {
    private static final long MS = 1_000_000;

    /** Readings at 0, 1, 2, 3 ms: 2 W, 2 W, 6 W, 6 W; idle 2 W. */
    private static PowerTrace steps() {
        PowerTrace t = new PowerTrace(16);
        t.add(0, 2);
        t.add(MS, 2);
        t.add(2 * MS, 6);
        t.add(3 * MS, 6);
        return t;
    }

    @Test
    void trapezoidsAboveTheIdlePower() {
        PowerTrace t = steps();
        // 1..2 ms: the line from 2 W to 6 W, mean 4 W → 4 mJ; 2..3 ms: 6 W → 6 mJ; minus idle 2 W × 2 ms = 4 mJ
        assertEquals(6.0, t.millijoules(MS, 3 * MS, 2), 1e-12);
        assertEquals(10.0, t.millijoules(MS, 3 * MS, 0), 1e-12, "without an idle power");
        // inside one pair of readings: 1.25..1.75 ms on the line 2 → 6 W: 3 W .. 5 W, mean 4 W × 0.5 ms = 2 mJ, minus 1 mJ
        assertEquals(1.0, t.millijoules(MS + MS / 4, MS + 3 * MS / 4, 2), 1e-12);
        // 0.5..1.5 ms: 2 W for 0.5 ms (1 mJ), then 2 → 4 W for 0.5 ms (1.5 mJ); minus 2 mJ idle
        assertEquals(0.5, t.millijoules(MS / 2, MS + MS / 2, 2), 1e-12);
        assertEquals(-1.0, t.millijoules(0, MS / 2, 4), 1e-12, "below idle: negative (the estimates clamp it)");
        assertEquals(0.0, t.millijoules(MS, MS, 2));
    }

    @Test
    void intervalsOutsideTheReadingsAreNotPriced() {
        PowerTrace t = steps();
        assertTrue(Double.isNaN(t.millijoules(2 * MS, 4 * MS, 2)), "not covered yet");
        PowerTrace small = new PowerTrace(2);
        small.add(0, 1);
        small.add(MS, 1);
        small.add(2 * MS, 1); // the reading at 0 is gone
        assertTrue(Double.isNaN(small.millijoules(0, MS, 0)), "no longer covered");
        assertEquals(1.0, small.millijoules(MS, 2 * MS, 0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> small.add(MS, 1), "readings go forward in time");
    }

    @Test
    void theWorkersIntervalsAreSettledAsTheReadingsCoverThem() {
        EnergyEstimates e = new EnergyEstimates(3, 0.1);
        PowerTrace t = steps();
        e.computing();
        assertTrue(!e.idleAt(10 * MS), "busy while a block runs");
        e.computed(false, 1, MS, 3 * MS); // 6 mJ above idle
        e.computed(true, 1, 3 * MS, 4 * MS); // not covered until a reading at 4 ms
        assertEquals(1, e.settle(t.latest(), (a, b) -> t.millijoules(a, b, 2)));
        assertEquals(6.0, e.blockMj(1), 1e-12);
        assertEquals(0.0, e.exitMj(1), "waiting");
        t.add(4 * MS, 10); // 3..4 ms: mean 8 W → 8 mJ, minus 2
        assertEquals(1, e.settle(t.latest(), (a, b) -> t.millijoules(a, b, 2)));
        assertEquals(6.0, e.exitMj(1), 1e-12);
        assertEquals(12.0, e.deviceMj(1, false), 1e-12, "block 1 and exit 1");
        e.computed(false, 1, 0, MS); // 2 W: nothing above idle → 0, smoothed: 6 + 0.1 × (0 − 6)
        e.settle(t.latest(), (a, b) -> t.millijoules(a, b, 2));
        assertEquals(5.4, e.blockMj(1), 1e-12);
        assertTrue(!e.idleAt(MS + EnergyEstimates.IDLE_AFTER_NANOS - 1) && e.idleAt(MS + EnergyEstimates.IDLE_AFTER_NANOS),
                "idle once the last interval ended long enough ago");
    }
}
