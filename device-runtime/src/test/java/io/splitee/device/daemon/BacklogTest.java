package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BacklogTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger held = new AtomicInteger();
    private final Backlog backlog = new Backlog(Duration.ofSeconds(60), 64, held::get, now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aFullWindowIsABacklogNotAnOverloadUntilTheConfiguredTimeHasPassed() {
        held.set(64);
        assertFalse(backlog.shed());
        advance(Duration.ofSeconds(60));
        assertFalse(backlog.shed(), "exactly the configured time is still a backlog");
        advance(Duration.ofMillis(1));
        assertTrue(backlog.shed(), "beyond it: a rate above capacity");
        held.set(32);
        assertTrue(backlog.shed(), "still half full: the broker still has more");
    }

    @Test
    void aBreakBelowHalfTheWindowStartsTheTimeAgain() {
        held.set(40);
        assertFalse(backlog.shed());
        advance(Duration.ofSeconds(59));
        held.set(31);
        assertFalse(backlog.shed(), "the backlog is gone");
        held.set(64);
        advance(Duration.ofSeconds(30));
        assertFalse(backlog.shed(), "a new backlog counts from when it was seen");
        advance(Duration.ofSeconds(60));
        assertFalse(backlog.shed());
        advance(Duration.ofSeconds(1));
        assertTrue(backlog.shed());
        held.set(0);
        assertFalse(backlog.shed(), "shedding stops once the backlog is gone");
    }

    @Test
    void aWindowOfOneCountsOneHeldSample() {
        Backlog one = new Backlog(Duration.ofMillis(1), 1, held::get, now::get);
        assertEquals(1, one.halfWindow());
        held.set(0);
        assertFalse(one.shed());
        held.set(1);
        assertFalse(one.shed());
        advance(Duration.ofMillis(2));
        assertTrue(one.shed());
    }

    @Test
    void badSettingsAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Backlog(Duration.ZERO, 1, held::get, now::get))
                .getMessage().startsWith("queue.overload.after"));
        assertThrows(IllegalArgumentException.class, () -> new Backlog(Duration.ofSeconds(1), 0, held::get, now::get));
    }
}
