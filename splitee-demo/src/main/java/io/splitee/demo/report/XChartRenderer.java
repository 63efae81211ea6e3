package io.splitee.demo.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@link ChartRenderer} on XChart, headless, 1000x600 PNG files. */
final class XChartRenderer implements ChartRenderer {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
    };

    XChartRenderer() {
        System.setProperty("java.awt.headless", "true");
    }

    @Override
    public void xy(Path png, String title, String xTitle, String yTitle, List<Series> series, Limits limits)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisMin(limits.xMin());
        chart.getStyler().setXAxisMax(limits.xMax());
        chart.getStyler().setYAxisMin(limits.yMin());
        chart.getStyler().setYAxisMax(limits.yMax());
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setXAxisDecimalPattern("#,##0.##");
        chart.getStyler().setMarkerSize(series.stream().allMatch(x -> x.x().length <= 1) ? 12 : 4);
        boolean whole = series.stream().flatMapToDouble(x -> java.util.Arrays.stream(x.x())).allMatch(v -> v == Math.rint(v));
        for (Series s : series) {
            double[] x = s.x();
            double[] y = s.y();
            if (x.length == 0) {
                continue;
            }
            if (whole) {
                // XChart 3.8.8 puts the ticks at the data's own values when all are whole numbers (0, 267, 534, …
                // for 4,005 samples, overlapping); a millionth of a sample keeps its round-number ticks.
                x = java.util.Arrays.stream(x).map(v -> v + 1e-6).toArray();
            }
            XYSeries xs = chart.addSeries(s.name(), x, y);
            if (s.style() == Style.MARKERS) {
                xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                xs.setMarker(SeriesMarkers.CIRCLE);
            } else {
                xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                xs.setMarker(SeriesMarkers.NONE);
            }
        }
        save(chart, png);
    }

    @Override
    public void bars(Path png, List<BarPanel> panels) throws IOException {
        List<CategoryChart> charts = new ArrayList<>();
        int width = panels.size() == 1 ? WIDTH : WIDTH * 2 / 3;
        for (BarPanel p : panels) {
            CategoryChart chart = new CategoryChartBuilder().width(width).height(HEIGHT).title(p.title())
                    .xAxisTitle(p.xTitle()).yAxisTitle(p.yTitle()).build();
            style(chart.getStyler());
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // never over a bar
            chart.getStyler().setStacked(p.stacked());
            chart.getStyler().setYAxisDecimalPattern("#,##0.##");
            for (Bars b : p.series()) {
                List<Double> v = new ArrayList<>();
                for (double d : b.values()) {
                    v.add(Double.isFinite(d) ? d : 0.0);
                }
                chart.addSeries(b.name(), p.categories(), v);
            }
            charts.add(chart);
        }
        try (OutputStream out = Files.newOutputStream(png)) {
            if (charts.size() == 1) {
                BitmapEncoder.saveBitmap(charts.get(0), out, BitmapEncoder.BitmapFormat.PNG);
            } else {
                BitmapEncoder.saveBitmap(charts, 1, charts.size(), out, BitmapEncoder.BitmapFormat.PNG);
            }
        }
    }

    private static void style(Styler s) {
        s.setSeriesColors(COLORS);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setAntiAlias(true);
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) throws IOException {
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
