package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {

    @Test
    void boundsAndRecordsPeak() throws Exception {
        InFlightWindow w = new InFlightWindow(2);
        assertTrue(w.acquire(Duration.ZERO));
        assertTrue(w.acquire(Duration.ZERO));
        assertFalse(w.acquire(Duration.ZERO), "third slot of a window of 2");
        assertEquals(2, w.inFlight());
        w.release();
        assertTrue(w.acquire(Duration.ZERO));
        assertEquals(2, w.peak());
    }

    @Test
    void waiterIsWokenByRelease() throws Exception {
        InFlightWindow w = new InFlightWindow(1);
        assertTrue(w.acquire(Duration.ZERO));
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean got = new AtomicBoolean();
        Thread t = new Thread(() -> {
            waiting.countDown();
            try {
                got.set(w.acquire(Duration.ofSeconds(30)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "window-waiter");
        t.start();
        assertTrue(waiting.await(5, TimeUnit.SECONDS));
        w.release();
        t.join(10_000);
        assertTrue(got.get());
        assertEquals(1, w.peak());
    }

    @Test
    void lowerLimitAppliesToNewSlots() throws Exception {
        InFlightWindow w = new InFlightWindow(4);
        assertTrue(w.acquire(Duration.ZERO));
        assertTrue(w.acquire(Duration.ZERO));
        w.setLimit(1);
        assertFalse(w.acquire(Duration.ZERO));
        w.release();
        assertFalse(w.acquire(Duration.ZERO), "still 1 taken with limit 1");
        w.release();
        assertTrue(w.acquire(Duration.ZERO));
    }

    @Test
    void overReleaseIsABug() {
        InFlightWindow w = new InFlightWindow(1);
        assertThrows(IllegalStateException.class, w::release);
        assertThrows(IllegalArgumentException.class, () -> new InFlightWindow(0));
    }
}
