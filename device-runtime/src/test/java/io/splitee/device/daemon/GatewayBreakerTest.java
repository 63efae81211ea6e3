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
        assertFalse(breaker.missed(now.get()));
        assertFalse(breaker.missed(now.get()));
        assertFalse(breaker.open());
        assertTrue(breaker.missed(now.get()), "the third miss opens it");
        assertTrue(breaker.open());
        assertFalse(breaker.missed(now.get()), "opened once");
        assertTrue(breaker.answered(now.get()), "an answer reports that it was open");
        assertFalse(breaker.open());
        assertFalse(breaker.answered(now.get()));
    }

    @Test
    void anErrorAnswerResetsTheMisses() {
        breaker.missed(now.get());
        breaker.missed(now.get());
        breaker.refused();
        assertFalse(breaker.missed(now.get()));
        assertFalse(breaker.missed(now.get()));
        assertTrue(breaker.missed(now.get()));
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
    void whileTheLinkIsUnmeasuredProbesGoEveryHundredMilliseconds() {
        assertFalse(breaker.probeDue(false));
        advanceMs(99);
        assertFalse(breaker.probeDue(false));
        advanceMs(1);
        assertTrue(breaker.probeDue(false), "100 ms without a send: a warm-up probe is due");
        assertFalse(breaker.probeDue(true), "once measured, the probe interval (400 ms) applies");
        breaker.sent();
        advanceMs(100);
        assertTrue(breaker.probeDue(false));
        advanceMs(299);
        assertFalse(breaker.probeDue(true));
        advanceMs(1);
        assertTrue(breaker.probeDue(true));
    }

    @Test
    void aProbeIntervalShorterThanTheWarmUpOneIsKept() {
        GatewayBreaker fast = new GatewayBreaker(Duration.ofSeconds(2), Duration.ofMillis(40), now::get);
        advanceMs(40);
        assertTrue(fast.probeDue(false));
        assertTrue(fast.probeDue(true));
    }

    @Test
    void anOverdueOffloadMakesTheGatewaySuspectOnceThereIsAnEstimate() {
        long sent = now.get();
        advanceMs(500);
        assertFalse(breaker.suspect(sent, 1.0), "no estimate before three answers: the deadline rules");
        breaker.answered(sent - 3); // offloads sent before it
        breaker.answered(sent - 2);
        breaker.answered(sent - 1);
        assertTrue(breaker.suspect(sent, 1.0), "4 × 1 ms, at least 50 ms: 500 ms is overdue");
        assertFalse(breaker.suspect(sent, 200.0), "4 × 200 ms = 800 ms not reached");
        advanceMs(600);
        assertTrue(breaker.suspect(sent, 10_000.0), "never more than half the deadline (1 s)");
        assertFalse(breaker.suspect(now.get() - 40_000_000L, 1.0), "at least 50 ms");
    }

    @Test
    void withSeveralGatewaysAnOffloadLostToADeadOneNeitherSuspectsNorOpensWhileALaterOneIsAnswered() {
        for (int i = 0; i < 3; i++) {
            breaker.answered(now.get());
        }
        long lost = now.get(); // routed to the session of a gateway that died
        advanceMs(10);
        breaker.answered(now.get()); // the next one, to the healthy gateway
        advanceMs(490);
        assertFalse(breaker.suspect(lost, 1.0), "overdue, but a later offload was answered");
        long lost2 = now.get();
        advanceMs(10);
        long lost3 = now.get();
        advanceMs(2000);
        assertTrue(breaker.suspect(lost2, 1.0), "nothing sent after it was answered: suspect");
        assertFalse(breaker.missed(lost), "a miss older than an answer does not count");
        assertFalse(breaker.missed(lost2));
        assertFalse(breaker.missed(lost3));
        assertTrue(breaker.missed(now.get()), "three misses with nothing answered after them open it");
    }
}
