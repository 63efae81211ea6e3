package io.splitee.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The adaptation measure: samples after a change until the best arm holds 80% of the last 200. */
class AdaptationTest {

    /** A policy on the new best arm long before the change has 200 of 200 at once: 1 sample. */
    @Test
    void alreadyThere() {
        int[] arms = new int[2000];
        Arrays.fill(arms, 4);
        assertEquals(1, ScheduledReplay.adaptation(arms, 4, 1000, 2000));
    }

    /** Arm 1 until the change at 1,000, then arm 4: the 160th sample after the change makes 160 of 200. */
    @Test
    void switchAtOnce() {
        int[] arms = new int[2000];
        Arrays.fill(arms, 0, 1000, 1);
        Arrays.fill(arms, 1000, 2000, 4);
        assertEquals(160, ScheduledReplay.adaptation(arms, 4, 1000, 2000));
    }

    /** Alternating arms 4 and 5 after the change never reach 80%. */
    @Test
    void never() {
        int[] arms = new int[2000];
        for (int s = 0; s < arms.length; s++) {
            arms[s] = 4 + s % 2;
        }
        assertEquals(-1, ScheduledReplay.adaptation(arms, 4, 1000, 2000));
    }
}
