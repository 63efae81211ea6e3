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

    @Test
    void aReportNeedsItsRunAndAReplayItsTrace() {
        assertThrows(IllegalStateException.class, () -> Report.builder("t", SETTINGS).build());
        assertThrows(IllegalStateException.class, () -> Report.builder("t", SETTINGS).replay("splitee", "s", "d"));
        Report.Builder b = Report.builder("t", SETTINGS).trace(Synthetic.trace(5, 3, 1), new int[] {0, 1});
        assertThrows(IllegalArgumentException.class, () -> b.replay("fixed:9", "s", "d"));
    }
}
