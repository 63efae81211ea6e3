package io.splitee.demo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.replay.Trace;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.ResultMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveRunTest {
    static final Settings SETTINGS = new Settings(0.01, 0.3, 0.8, 1.0, 1);

    static ResultMessage answer(String id, ResultMessage.Status status, ResultMessage.Location at, int split, int exit,
                                int cls) {
        boolean sent = at == ResultMessage.Location.GATEWAY;
        return new ResultMessage(id, "d", "m", status, status == ResultMessage.Status.ERROR ? null
                : new ResultMessage.Prediction(cls, "c" + cls, 0.9, exit), at, split, sent ? Encoding.FP16 : null,
                sent ? Compression.NONE : null, null,
                new ResultMessage.Timings(Duration.ofMillis(2), sent ? Duration.ofMillis(10) : null, null, Duration.ofMillis(15)),
                status == ResultMessage.Status.ERROR ? new ResultMessage.ErrorInfo("BAD", "bad") : null);
    }

    @Test
    void classifiesEachAnswerAndScoresItOnTheTrace() {
        Trace t = Trace.of("t", new double[][] {{0.9, 0.5, 0.7}, {0.3, 0.4, 0.95}, {0.2, 0.3, 0.6}, {0.5, 0.6, 0.7}},
                new int[][] {{1, 1, 1}, {2, 2, 2}, {3, 3, 3}, {4, 4, 4}}, new int[] {1, 2, 0, 4});
        Baselines b = Baselines.of(t, new int[] {0, 1, 2, 3}, SETTINGS);
        List<LiveRun.Answer> answers = List.of(
                new LiveRun.Answer(answer("x-0", ResultMessage.Status.OK, ResultMessage.Location.DEVICE, 1, 1, 1), 0),
                new LiveRun.Answer(answer("x-1", ResultMessage.Status.OK, ResultMessage.Location.GATEWAY, 2, 3, 2), 1),
                // the gateway missed the deadline and the device finished the sample itself
                new LiveRun.Answer(answer("x-2", ResultMessage.Status.OK, ResultMessage.Location.DEVICE, 1, 3, 3), 2),
                new LiveRun.Answer(answer("x-3", ResultMessage.Status.ERROR, ResultMessage.Location.DEVICE, 0, 1, 0), 3));
        PolicyRun r = LiveRun.of("live", "test", 3, SETTINGS, answers, b, row -> -1, 1);
        assertEquals(3, r.samples());
        assertEquals(2, r.unanswered(), "one error, one missing");
        Step s0 = r.steps().get(0);
        assertFalse(s0.offloaded());
        assertEquals(0.01, s0.cost(), 1e-12);
        assertEquals(0.9 - 0.01, s0.reward(), 1e-12);
        Step s1 = r.steps().get(1);
        assertTrue(s1.offloaded());
        assertEquals(0.32, s1.cost(), 1e-12);
        assertEquals(0.95 - 0.32, s1.reward(), 1e-12);
        assertEquals(10.0, s1.linkMs(), 1e-9);
        assertTrue(r.steps().get(2).offloaded(), "a fallback counts as the offload the device chose");
        assertEquals(2.0 / 3, r.accuracy().getAsDouble(), 1e-12, "x-0 and x-1 right, x-2 wrong (label 0)");
        assertEquals(1 - (0.01 + 0.32 + 0.31) / (3 * 0.03), r.costReduction(), 1e-12);
        assertEquals(2.0 / 3, r.offloadShare(), 1e-12);
        assertTrue(r.hasRewards());
    }

    @Test
    void withoutATraceThereIsNoRewardButStillCost() {
        List<LiveRun.Answer> answers = List.of(
                new LiveRun.Answer(answer("a", ResultMessage.Status.OK, ResultMessage.Location.DEVICE, 2, 2, 1), -1));
        PolicyRun r = LiveRun.of("live", "test", 3, SETTINGS, answers, null, row -> -1, 0);
        assertFalse(r.hasRewards());
        assertTrue(Double.isNaN(r.regret()));
        assertTrue(r.accuracy().isEmpty());
        assertEquals(1 - 0.02 / 0.03, r.costReduction(), 1e-12);
    }
}
