package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the state is saved: by count of recorded outcomes and by time since the last save (injected clock). */
class StateSavesTest {
    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void savesAfterEveryNOutcomes() {
        StateSaves s = new StateSaves(3, Duration.ofSeconds(30), now::get);
        assertFalse(s.recorded());
        assertFalse(s.recorded());
        assertTrue(s.recorded(), "the third outcome saves");
        assertEquals(0, s.sinceLastSave());
        assertFalse(s.recorded());
        assertFalse(s.recorded());
        assertTrue(s.recorded(), "and the sixth");
    }

    @Test
    void theTimerSavesOnceTheIntervalPassedSinceTheLastSaveOfAnyKind() {
        StateSaves s = new StateSaves(2, Duration.ofSeconds(30), now::get);
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertFalse(s.timeDue(), "29 s after start");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(s.timeDue(), "30 s after start");
        assertFalse(s.timeDue(), "just saved");

        now.addAndGet(Duration.ofSeconds(20).toNanos());
        s.recorded();
        assertTrue(s.recorded(), "a save by count at 20 s");
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        assertFalse(s.timeDue(), "20 s after the save by count, not 40 s after the timed one");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertTrue(s.timeDue());
    }

    @Test
    void aTimedSaveStartsTheCountAgain() {
        StateSaves s = new StateSaves(2, Duration.ofSeconds(1), now::get);
        assertFalse(s.recorded());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(s.timeDue());
        assertFalse(s.recorded(), "one outcome since the timed save");
        assertTrue(s.recorded());
        s.recorded();
        s.saved();
        assertEquals(0, s.sinceLastSave(), "another save (the button's reset) starts it again too");
    }

    @Test
    void theTimerAsksAtLeastEverySecond() {
        assertEquals(Duration.ofSeconds(1), StateSaves.tick(Duration.ofSeconds(30)));
        assertEquals(Duration.ofMillis(200), StateSaves.tick(Duration.ofMillis(200)));
    }

    @Test
    void refusesANonPositiveCountOrInterval() {
        assertEquals("state.save-every must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new StateSaves(0, Duration.ofSeconds(1), now::get)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StateSaves(1, Duration.ZERO, now::get));
    }
}
