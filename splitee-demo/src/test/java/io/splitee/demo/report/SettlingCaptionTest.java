package io.splitee.demo.report;

import static io.splitee.demo.report.Plays.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The arm chart's "settled" caption: the first sample from which every window of plays holds 80 % of one arm. */
class SettlingCaptionTest {

    /**
     * 1,000 samples exploring arms 3 to 12, then arm 2 only: 82 % of all 5,000 plays are arm 2, which a share of the
     * whole rest of the run called "settled after 0 samples" (the demo's default run said so); the window says when.
     */
    @Test
    void exploringFirstIsNotSettled() {
        int[] arms = new int[5000];
        for (int i = 0; i < arms.length; i++) {
            arms[i] = i < 1000 ? 3 + i % 10 : 2;
        }
        assertEquals(200, Html.settleWindow(arms.length));
        // the earliest window of 200 with 80 % arm 2 starts at 960 (40 exploring plays, then 160 of arm 2); from
        // there 4,000 of 4,040 plays are arm 2
        assertEquals("settled on arm 2 after 960 samples (99 % of the plays from there on)", Html.settling(run(arms)));
    }

    @Test
    void aLateExcursionUnsettles() {
        int[] arms = new int[5000];
        java.util.Arrays.fill(arms, 2);
        for (int i = 3000; i < 3100; i++) {
            arms[i] = 7; // 100 plays elsewhere: the window over them holds at most 50 % of arm 2
        }
        // the last window with 41 of the excursion's plays starts at 3059; from 3060, 1,900 of 1,940 plays are arm 2
        assertEquals("settled on arm 2 after 3060 samples (98 % of the plays from there on)", Html.settling(run(arms)));
    }

    @Test
    void noArmDominatingIsSaid() {
        int[] arms = new int[2000];
        for (int i = 0; i < arms.length; i++) {
            arms[i] = 1 + i % 3;
        }
        assertEquals("did not settle (no arm took 80 % of every 100 plays over the last tenth of the run)",
                Html.settling(run(arms)));
    }
}
