package io.splitee.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG chart of the arm played across a change (docs/arm-across-change.png), drawn with XChart as the
 * demo's report draws its PNG charts; XChart stays in this class.
 */
final class ArmChart {

    /**
     * One policy's plays.
     *
     * @param name   its legend entry
     * @param arms   the arm played on each sample of the stream
     * @param marks  whether each sample is drawn as a marker (else only the 100-sample mode as a line)
     */
    record Played(String name, int[] arms, boolean marks) {
    }

    /** Samples per step of the most-played-arm line. */
    static final int BUCKET = 50;

    private ArmChart() {
    }

    /**
     * Writes the chart of samples {@code from..to-1}: per policy, the arm played on each sample (markers,
     * where asked) and the most played arm of each {@value #BUCKET} samples (a step line); a vertical line at {@code change}.
     */
    static void write(Path png, String title, List<Played> plays, int from, int to, int change, int arms)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(420).title(title).xAxisTitle("sample")
                .yAxisTitle("arm (blocks on the device)").build();
        org.knowm.xchart.style.XYStyler st = chart.getStyler();
        st.setYAxisMin(0.0);
        st.setYAxisMax(arms + 0.5);
        st.setXAxisMin((double) from);
        st.setXAxisMax((double) to);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesVisible(true);
        st.setMarkerSize(3);
        st.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
        int k = 0;
        for (Played p : plays) {
            Color c = colors[k++ % colors.length];
            if (p.marks()) {
                double[] x = new double[to - from];
                double[] y = new double[to - from];
                for (int s = from; s < to; s++) {
                    x[s - from] = s;
                    y[s - from] = p.arms()[s];
                }
                XYSeries m = chart.addSeries(p.name() + ": arm played", x, y);
                m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                m.setMarker(SeriesMarkers.CIRCLE);
                m.setMarkerColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 90));
            }
            int buckets = (to - from) / BUCKET;
            double[] x = new double[2 * buckets];
            double[] y = new double[2 * buckets];
            for (int b = 0; b < buckets; b++) {
                int[] n = new int[arms + 1];
                for (int s = from + BUCKET * b; s < from + BUCKET * (b + 1); s++) {
                    n[p.arms()[s]]++;
                }
                int top = 0;
                for (int a = 1; a <= arms; a++) {
                    top = n[a] > n[top] ? a : top;
                }
                x[2 * b] = from + BUCKET * b;
                x[2 * b + 1] = from + BUCKET * (b + 1);
                y[2 * b] = top;
                y[2 * b + 1] = top;
            }
            XYSeries line = chart.addSeries(p.name() + ": most played arm per " + BUCKET + " samples", x, y);
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(c);
            line.setLineStyle(new BasicStroke(2f));
        }
        XYSeries at = chart.addSeries("change (sample " + change + ")", new double[] {change, change},
                new double[] {0, arms + 0.5});
        at.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        at.setMarker(SeriesMarkers.NONE);
        at.setLineColor(Color.GRAY);
        at.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        String name = png.toString();
        BitmapEncoder.saveBitmapWithDPI(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG, 96);
    }
}
