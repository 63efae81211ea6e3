package io.splitee.demo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.replay.Trace;
import io.splitee.wire.ResultMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public way in: the builder gives the same report as the parts it wraps. */
class ReportTest {
    static final Settings SETTINGS = new Settings(0.01, 0.3, 0.8, 1, 1);

    @Test
    void aReplayReportIsThePolicyAndTheBaselinesThatLeaveItOut(@TempDir Path dir) throws Exception {
        Trace t = Synthetic.trace(100, 4, 3);
        int[] rows = IntStream.range(0, 100).toArray();
        Report r = Report.builder("title", SETTINGS).show("k", "v").trace(t, rows)
                .replay("splitee-s", "splitee-s (replay)", "main").note("n1").note("n2").build();
        Baselines b = Baselines.of(t, rows, SETTINGS);
        assertEquals(b.replay("splitee-s", "splitee-s (replay)", "main"), r.played());
        assertEquals(b.standard("splitee-s"), r.baselines());
        assertEquals(Map.of("k", "v"), r.settings());
        assertEquals(List.of("n1", "n2"), r.notes());
        assertTrue(r.measured().isEmpty());
        assertEquals(SummaryTable.render(r), r.summary());
        Path index = r.write(dir, List.of());
        assertEquals(dir.resolve("index.html"), index);
        assertTrue(Files.readString(index).contains("title"));
    }

    @Test
    void aLiveReportScoresTheAnswersGivenWithTheTrace() {
        Trace t = Synthetic.trace(10, 3, 4);
        ResultMessage m = LiveRunTest.answer("x-0", ResultMessage.Status.OK, ResultMessage.Location.DEVICE, 2, 2, 1);
        Report r = Report.builder("live", SETTINGS).trace(t, new int[] {0}).answer(m, 0)
                .live("dev (live)", "test", 3, row -> -1, 2)
                .measured("test", new double[] {1, 2, 3}, 4, 5).build();
        PolicyRun expected = LiveRun.of("dev (live)", "test", 3, SETTINGS, List.of(new LiveRun.Answer(m, 0)),
                Baselines.of(t, new int[] {0}, SETTINGS), row -> -1, 2);
        assertEquals(expected, r.played());
        assertEquals(2, r.played().unanswered());
        assertEquals(9, r.baselines().size(), "nothing replayed is left out");
        assertEquals(6.0, r.measured().orElseThrow().totalBlockMs());
    }

    /**
     * A live run of a policy whose arms leave at the first confident exit: its row is priced with every exit head on
     * the way, and the comparison adds the best cascade arm in hindsight and SplitEE-S replayed with cascade arms.
     */
    @Test
    void aLiveCascadeReportAddsTheCascadeRows() {
        Trace t = Synthetic.trace(50, 3, 4);
        double[] d = {Double.NaN, 0.1, 0.2, 0.3};
        double[] o = {0.5, 0.4, 0.5, Double.NaN};
        double[] de = {Double.NaN, 0.1, 0.25, 0.4};
        double[] oe = {0.5, 0.4, 0.55, Double.NaN};
        Settings priced = SETTINGS.withPricing(Pricing.measured("test", d, o, de, oe));
        ResultMessage m = LiveRunTest.answer("x-0", ResultMessage.Status.OK, ResultMessage.Location.DEVICE, 2, 2, 1);
        int[] rows = IntStream.range(0, 50).toArray();
        Report r = Report.builder("live", SETTINGS).pricing(priced.pricing()).livePolicy("splitee-s:leave=first")
                .trace(t, rows).answer(m, 0).live("splitee-s:leave=first (live)", "test", 3, row -> -1, 0).build();
        assertEquals(0.25, r.played().cost(), 1e-12, "exit 2 reached with exit heads 1 and 2: the every-exit price");
        Baselines cascade = Baselines.of(t, rows, priced, true);
        assertEquals(cascade.standard(null), r.baselines());
        List<String> names = r.baselines().stream().map(PolicyRun::name).toList();
        assertTrue(names.contains("best fixed, leave at first exit (" + cascade.bestFixedArm() + ")"), names.toString());
        assertTrue(names.contains("splitee-s, leave at first exit (replay)"), names.toString());
        assertTrue(names.contains("early exit (device)"), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.matches("best fixed \\(\\d+\\)")), "the plain best fixed arm stays: " + names);
        // a plain live policy: no cascade rows, the plain price
        Report plain = Report.builder("live", SETTINGS).pricing(priced.pricing()).livePolicy("splitee-s")
                .trace(t, rows).answer(m, 0).live("splitee-s (live)", "test", 3, row -> -1, 0).build();
        assertEquals(0.2, plain.played().cost(), 1e-12);
        assertEquals(9, plain.baselines().size());
        assertThrows(IllegalStateException.class, () -> Report.builder("t", SETTINGS).trace(t, rows).livePolicy("splitee"));
    }

    @Test
    void aReportNeedsItsRunAndAReplayItsTrace() {
        assertThrows(IllegalStateException.class, () -> Report.builder("t", SETTINGS).build());
        assertThrows(IllegalStateException.class, () -> Report.builder("t", SETTINGS).replay("splitee", "s", "d"));
        Report.Builder b = Report.builder("t", SETTINGS).trace(Synthetic.trace(5, 3, 1), new int[] {0, 1});
        assertThrows(IllegalArgumentException.class, () -> b.replay("fixed:9", "s", "d"));
    }
}
