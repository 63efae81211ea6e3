package io.splitee.demo.report;

import static io.splitee.demo.report.Plays.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The arm chart's caption after a change (--scenario link-drop): computed from the plays, not written in advance. */
class MovedCaptionTest {

    /** Arm 3 for 1,000 samples, then 30 more of arm 3, then arm 12: 80 % of the last 200 is 160 plays of arm 12. */
    @Test
    void movedWithinTheSamplesItTook() {
        int[] arms = new int[2000];
        for (int i = 0; i < arms.length; i++) {
            arms[i] = i < 1030 ? 3 : 12;
        }
        assertEquals("moved from arm 3 to arm 12 (the best fixed arm over the samples after it) within 190 samples "
                        + "after the link drop at sample 1000 (arm 12 in 80 % of the last 200 plays)",
                Html.moved(run(arms), new Report.Change(1000, "link drop", 12)));
    }

    @Test
    void didNotMoveIsSaid() {
        int[] arms = new int[2000];
        java.util.Arrays.fill(arms, 3);
        assertEquals("did not move after the link drop at sample 1000: arm 3 before it and most played over the last "
                        + "fifth; arm 12 (the best fixed arm over the samples after it) was never played in 80 % of 200 plays",
                Html.moved(run(arms), new Report.Change(1000, "link drop", 12)));
        assertEquals("stayed on arm 3 (the best fixed arm over the samples after it) across the link drop at sample 1000",
                Html.moved(run(arms), new Report.Change(1000, "link drop", 3)));
    }

    /** Moved, but to another arm than the best fixed one: said as such. */
    @Test
    void movedElsewhereIsSaid() {
        int[] arms = new int[2000];
        for (int i = 0; i < arms.length; i++) {
            arms[i] = i < 1000 ? 3 : 11;
        }
        assertEquals("left arm 3 after the link drop at sample 1000 for arm 11 (most played over the last fifth after "
                        + "it), not for arm 12 (the best fixed arm over the samples after it)",
                Html.moved(run(arms), new Report.Change(1000, "link drop", 12)));
    }
}
