package io.splitee.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG chart of a {@link Soak} run: resident memory and heap after GC per process over time; XChart stays here. */
final class SoakChart {

    private SoakChart() {
    }

    static void write(Path png, Map<String, List<Soak.Reading>> readings, double warmupSecond) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(480).title("Soak: resident memory (solid) and heap "
                + "after GC (dashed)").xAxisTitle("seconds").yAxisTitle("MB").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f)};
        double top = 0;
        int k = 0;
        for (Map.Entry<String, List<Soak.Reading>> e : readings.entrySet()) {
            List<Soak.Reading> r = e.getValue();
            if (r.isEmpty()) {
                continue;
            }
            Color c = colors[k++ % colors.length];
            double[] x = r.stream().mapToDouble(Soak.Reading::second).toArray();
            double[] rss = r.stream().mapToDouble(v -> v.rssKb() / 1024.0).toArray();
            top = Math.max(top, java.util.Arrays.stream(rss).max().orElse(0));
            line(chart, e.getKey() + " RSS", x, rss, c, new BasicStroke(2f));
            List<Soak.Reading> heap = r.stream().filter(v -> v.heapKb() >= 0).toList(); // none before a first GC
            if (!heap.isEmpty()) {
                line(chart, e.getKey() + " heap after GC", heap.stream().mapToDouble(Soak.Reading::second).toArray(),
                        heap.stream().mapToDouble(v -> v.heapKb() / 1024.0).toArray(), c, new BasicStroke(1.5f,
                                BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            }
        }
        line(chart, "end of warm-up", new double[] {warmupSecond, warmupSecond}, new double[] {0, top},
                Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {2f, 3f}, 0f));
        String name = png.toString();
        BitmapEncoder.saveBitmapWithDPI(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG, 96);
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, Color c, BasicStroke stroke) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(c);
        s.setLineStyle(stroke);
    }
}
