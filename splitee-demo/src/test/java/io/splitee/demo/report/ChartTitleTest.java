package io.splitee.demo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.splitee.replay.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost-against-accuracy chart names the unit every row is priced in: a measured run's chart said "paper
 * cost" while its table said measured cost units (seen in a default demo report).
 */
class ChartTitleTest {

    /** Records the titles of the xy charts instead of drawing them (the files are written empty). */
    static final class Titles implements ChartRenderer {
        final List<String> xy = new ArrayList<>();

        @Override
        public void xy(Path png, String title, String xTitle, String yTitle, List<Series> series, Limits limits)
                throws java.io.IOException {
            xy.add(title);
            Files.write(png, new byte[0]);
        }

        @Override
        public void bars(Path png, List<BarPanel> panels) throws java.io.IOException {
            Files.write(png, new byte[0]);
        }
    }

    private static String costAccuracyTitle(Settings settings, Path dir) throws Exception {
        Trace t = Synthetic.trace(60, 4, 3);
        int[] rows = IntStream.range(0, 60).toArray();
        Report r = Report.builder("t", settings).trace(t, rows).replay("splitee-s", "splitee-s (replay)", "d").build();
        Titles titles = new Titles();
        new ReportWriter(titles).write(r, dir);
        return titles.xy.stream().filter(s -> s.startsWith("Cost reduction")).findFirst().orElseThrow();
    }

    @Test
    void theTitleSaysPaperUnitsForAPaperReport(@TempDir Path dir) throws Exception {
        assertEquals("Cost reduction against accuracy (paper units)",
                costAccuracyTitle(ReportTest.SETTINGS, dir));
    }

    @Test
    void theTitleSaysMeasuredCostUnitsForAMeasuredReport(@TempDir Path dir) throws Exception {
        Pricing measured = Pricing.measured("a test", new double[] {9, 1, 2, 3, 4}, new double[] {5, 6, 7, 8, 9});
        assertEquals("Cost reduction against accuracy (measured cost units)",
                costAccuracyTitle(ReportTest.SETTINGS.withPricing(measured), dir));
    }
}
