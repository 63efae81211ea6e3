package io.splitee.demo.report;

import io.splitee.wire.ResultMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntUnaryOperator;

/** Builds a {@link PolicyRun} from a device's answers (result messages), the way an application sees them. */
final class LiveRun {

    /**
     * One answer and the trace row of its sample.
     *
     * @param message the result message
     * @param row     the sample's row in the trace (its index among the shipped samples), or -1 when unknown
     */
    public record Answer(ResultMessage message, int row) {
        /** Validates. */
        public Answer {
            Objects.requireNonNull(message, "message");
        }
    }

    private LiveRun() {
    }

    /**
     * The run. An answer counts as offloaded when the device sent the sample on (answered by the
     * gateway), or meant to and finished it itself (a {@code degraded} answer, or the final exit
     * answering after a split before it). Answers without a prediction ({@code error},
     * {@code overloaded}) are counted as unanswered.
     *
     * @param answers   in the order the device played them
     * @param baselines the trace yardstick for rewards and labels, or null
     * @param labelOf   the label of a row when there is no trace (or -1)
     * @param missing   samples sent that got no answer at all
     */
    public static PolicyRun of(String name, String description, int arms, Settings settings, List<Answer> answers,
                               Baselines baselines, IntUnaryOperator labelOf, int missing) {
        return of(name, description, arms, settings, answers, baselines, labelOf, missing, false);
    }

    /**
     * As above, for a device whose policy evaluates every exit head on the way to its arm ({@code everyExit}: early
     * exit, {@code leave=first}), priced so.
     */
    public static PolicyRun of(String name, String description, int arms, Settings settings, List<Answer> answers,
                               Baselines baselines, IntUnaryOperator labelOf, int missing, boolean everyExit) {
        List<Step> steps = new ArrayList<>(answers.size());
        int unanswered = missing;
        for (Answer a : answers) {
            ResultMessage m = a.message();
            if (m.prediction() == null || (m.status() != ResultMessage.Status.OK
                    && m.status() != ResultMessage.Status.DEGRADED)) {
                unanswered++;
                continue;
            }
            int arm = m.splitBlock();
            int exit = m.prediction().exit();
            boolean off = m.computedAt() == ResultMessage.Location.GATEWAY || m.status() == ResultMessage.Status.DEGRADED
                    || exit > arm;
            off &= arm < arms;
            int row = a.row();
            boolean traced = baselines != null && row >= 0;
            int label = row < 0 ? -1 : traced ? baselines.label(row) : labelOf.applyAsInt(row);
            ResultMessage.Timings t = m.timings();
            steps.add(new Step(row, m.sampleId(), arm, off, exit, m.prediction().classIndex(), label,
                    settings.cost(arm, off, everyExit), traced ? baselines.reward(row, arm, off, everyExit) : Double.NaN,
                    traced ? baselines.bestReward(row) : Double.NaN,
                    ms(t.deviceCompute()), ms(t.link()), ms(t.gatewayCompute()), ms(t.endToEnd())));
        }
        return new PolicyRun(name, description, arms, settings.cost(arms, false), steps, unanswered,
                settings.pricing().unit());
    }

    private static double ms(Duration d) {
        return d == null ? Double.NaN : d.toNanos() / 1e6;
    }
}
