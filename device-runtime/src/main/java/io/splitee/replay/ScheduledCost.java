package io.splitee.replay;

import io.splitee.engine.CostModel;
import io.splitee.engine.PaperCost;
import java.util.List;

/**
 * The paper's costs with λ and o changing at given samples: a {@link CostModel} whose current
 * piece the replay sets before each sample ({@link #at}), so the rewards it prices are those of the
 * sample being played. Deterministic for a given sample.
 */
final class ScheduledCost implements CostModel {

    private final int[] starts;
    private final PaperCost[] pieces;
    private int current;

    ScheduledCost(double lambda, double offloadCost, List<Schedule.Change> changes) {
        starts = new int[changes.size() + 1];
        pieces = new PaperCost[changes.size() + 1];
        pieces[0] = new PaperCost(lambda, offloadCost);
        double l = lambda;
        double o = offloadCost;
        for (int i = 0; i < changes.size(); i++) {
            Schedule.Change c = changes.get(i);
            if (c.key().equals("lambda")) {
                l = c.value();
            } else {
                o = c.value();
            }
            starts[i + 1] = c.at();
            pieces[i + 1] = new PaperCost(l, o);
        }
    }

    /** Switches to the costs in force at 0-based sample {@code s}. */
    void at(int s) {
        int k = 0;
        while (k + 1 < starts.length && starts[k + 1] <= s) {
            k++;
        }
        current = k;
    }

    @Override
    public double cost(int arm, boolean offloaded) {
        return pieces[current].cost(arm, offloaded);
    }
}
