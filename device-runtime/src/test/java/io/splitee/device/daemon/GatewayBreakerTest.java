package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GatewayBreakerTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final GatewayBreaker breaker = new GatewayBreaker(Duration.ofSeconds(2), Duration.ofMillis(400), now::get);

    void advanceMs(long ms) {
        now.addAndGet(ms * 1_000_000L);
    }

    @Test
    void missesInARowOpenItAndTheFirstAnswerClosesIt() {
        assertFalse(breaker.missed());
        assertFalse(breaker.missed());
        assertFalse(breaker.open());
        assertTrue(breaker.missed(), "the third miss opens it");
        assertTrue(breaker.open());
        assertFalse(breaker.missed(), "opened once");
        assertTrue(breaker.answered(), "an answer reports that it was open");
        assertFalse(breaker.open());
        assertFalse(breaker.answered());
    }

    @Test
    void anErrorAnswerResetsTheMisses() {
        breaker.missed();
        breaker.missed();
        breaker.refused();
        assertFalse(breaker.missed());
        assertFalse(breaker.missed());
        assertTrue(breaker.missed());
    }

    @Test
    void aProbeIsDueAfterTheIntervalWithoutOffloads() {
        assertFalse(breaker.probeDue());
        advanceMs(399);
        assertFalse(breaker.probeDue());
        advanceMs(1);
        assertTrue(breaker.probeDue());
        breaker.sent();
        assertFalse(breaker.probeDue());
    }

    @Test
    void anOverdueOffloadMakesTheGatewaySuspectOnceThereIsAnEstimate() {
        long sent = now.get();
        advanceMs(500);
        assertFalse(breaker.suspect(sent, 1.0), "no estimate before three answers: the deadline rules");
        breaker.answered();
        breaker.answered();
        breaker.answered();
        assertTrue(breaker.suspect(sent, 1.0), "4 × 1 ms, at least 50 ms: 500 ms is overdue");
        assertFalse(breaker.suspect(sent, 200.0), "4 × 200 ms = 800 ms not reached");
        advanceMs(600);
        assertTrue(breaker.suspect(sent, 10_000.0), "never more than half the deadline (1 s)");
        assertFalse(breaker.suspect(now.get() - 40_000_000L, 1.0), "at least 50 ms");
    }
}
