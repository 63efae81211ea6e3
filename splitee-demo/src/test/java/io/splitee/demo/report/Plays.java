package io.splitee.demo.report;

import java.util.ArrayList;
import java.util.List;

/** A live run made of the given arms only, one per sample, for the captions' tests. */
final class Plays {
    private Plays() {
    }

    static PolicyRun run(int... arms) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < arms.length; i++) {
            steps.add(new Step(i, "s-" + i, arms[i], false, Math.max(1, arms[i]), 0, 0, 0, 0, 0, 0, 0, 0, 0));
        }
        return new PolicyRun("p (live)", "test", 12, 1, steps, 0);
    }
}
