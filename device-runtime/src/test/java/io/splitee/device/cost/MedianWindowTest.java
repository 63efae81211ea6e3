package io.splitee.device.cost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The steady estimates' median of the last observations, by hand. */
class MedianWindowTest {

    @Test
    void theMedianOfTheLastObservations() {
        MedianWindow w = new MedianWindow(3);
        assertFalse(w.known());
        assertEquals(0.0, w.value(), 0.0);
        w.add(5);
        assertEquals(5.0, w.value(), 0.0);
        w.add(1);
        assertEquals(3.0, w.value(), 0.0, "an even count: the mean of the middle two");
        w.add(9);
        assertEquals(5.0, w.value(), 0.0);
        w.add(2); // 5 leaves: {1, 9, 2}
        assertEquals(2.0, w.value(), 0.0);
        w.add(2); // 1 leaves: {9, 2, 2}
        assertEquals(2.0, w.value(), 0.0);
        assertArrayEquals(new double[] {9, 2, 2}, w.values(), 0.0);
        w.add(100); // 9 leaves: {2, 2, 100}: one outlier moves the median by no more than a rank
        assertEquals(2.0, w.value(), 0.0);
        w.set(7, 0);
        assertEquals(1, w.size());
        assertEquals(7.0, w.value(), 0.0);
    }

    @Test
    void oldObservationsExpire() {
        MedianWindow w = new MedianWindow(5);
        w.add(20, 1);
        w.add(20, 2);
        w.add(20, 3);
        w.add(10, 600);
        assertEquals(20.0, w.value(), 0.0, "three old against one recent");
        w.expire(100); // stamps before 100 leave
        assertEquals(1, w.size());
        assertEquals(10.0, w.value(), 0.0, "the recent one alone");
        w.expire(601);
        assertFalse(w.known());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MedianWindow(0));
        assertThrows(IllegalArgumentException.class, () -> new MedianWindow(3).add(Double.NaN));
    }
}
