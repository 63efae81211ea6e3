package io.splitee.demo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.splitee.demo.Png;
import io.splitee.replay.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir
    Path dir;

    Report report(boolean measured) {
        Trace t = Synthetic.trace(200, 4, 2);
        Settings s = new Settings(0.01, 0.3, 0.8, 1, 1);
        Baselines b = Baselines.of(t, IntStream.range(0, 200).toArray(), s);
        PolicyRun played = b.replay("splitee", "splitee (replay)", "main");
        return new Report("test report", Map.of("k", "v <b>"), played, b.standard("splitee"),
                measured ? Optional.of(new Measured("test", new double[] {0.5, 0.4, 0.3, 0.2}, 12, 900)) : Optional.empty(),
                List.of("a note"));
    }

    @Test
    void writesEveryChartTheNumbersAndAPageThatShowsThem() throws IOException {
        ReportWriter.Written w = new ReportWriter().write(report(true), dir);
        List<String> charts = w.charts().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of(ReportWriter.ARM_CHART, ReportWriter.REGRET_CHART, ReportWriter.COST_ACCURACY_CHART,
                ReportWriter.MEASURED_CHART), charts, "no timings in a replay, so no latency chart");
        for (Path c : w.charts()) {
            Png.assertPng(c);
        }
        for (String f : List.of("summary.csv", "summary.json", "samples.csv", "regret.csv", "measured.csv", "index.html")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        String html = Files.readString(w.index());
        for (String c : charts) {
            assertTrue(html.contains("<img src=\"" + c + "\""), "index.html shows " + c);
        }
        assertTrue(html.contains("v &lt;b&gt;"), "settings are escaped");
        JsonNode j = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertEquals(9, j.get("policies").size());
        assertEquals("splitee (replay)", j.get("policies").get(0).get("policy").asText());
        assertEquals(4, j.get("measured").get("block_ms").size());
        List<String> csv = Files.readAllLines(dir.resolve("samples.csv"));
        assertEquals(201, csv.size(), "a header and one line per sample");
        assertEquals(201, Files.readAllLines(dir.resolve("regret.csv")).size());
    }

    @Test
    void leavesOutWhatTheRunCannotShowAndSaysWhy() throws IOException {
        ReportWriter.Written w = new ReportWriter().write(report(false), dir);
        assertEquals(3, w.charts().size());
        String html = Files.readString(w.index());
        assertTrue(html.contains("measured cost: no device ran"), html);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertEquals(2, j.get("charts_left_out").size());
    }

    @Test
    void theSummaryTableHasARowPerPolicy() {
        String table = SummaryTable.render(report(false));
        assertEquals(11, table.lines().count(), table);
        assertTrue(table.lines().findFirst().orElseThrow().startsWith("every row priced in paper units"), table);
        assertTrue(table.lines().skip(2).allMatch(l -> l.contains("%")), table);
    }
}
