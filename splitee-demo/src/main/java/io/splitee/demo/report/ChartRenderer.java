package io.splitee.demo.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Draws the report's charts as PNG files; the plotting library stays behind this interface. */
interface ChartRenderer {

    /** How an x/y series is drawn. */
    enum Style { LINE, MARKERS }

    /**
     * One x/y series.
     *
     * @param name  its legend entry
     * @param x     x values
     * @param y     y values, as many as x
     * @param style line or markers only
     */
    record Series(String name, double[] x, double[] y, Style style) {
        public Series {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
            }
        }
    }

    /**
     * One bar series over the chart's categories.
     *
     * @param name   its legend entry
     * @param values one per category
     */
    record Bars(String name, double[] values) {
    }

    /**
     * Axis limits; each may be null (automatic).
     *
     * @param xMin lower x limit
     * @param xMax upper x limit
     * @param yMin lower y limit
     * @param yMax upper y limit
     */
    record Limits(Double xMin, Double xMax, Double yMin, Double yMax) {
        /** No limits. */
        static final Limits AUTO = new Limits(null, null, null, null);
    }

    /**
     * One bar chart: categories on the x axis, one bar per series in each.
     *
     * @param title      the panel's title
     * @param xTitle     x axis title
     * @param yTitle     y axis title
     * @param categories the x categories
     * @param series     the bar series
     * @param stacked    stack the series (else side by side)
     */
    record BarPanel(String title, String xTitle, String yTitle, List<String> categories, List<Bars> series,
                    boolean stacked) {
    }

    /** An x/y chart (lines or scatter). */
    void xy(Path png, String title, String xTitle, String yTitle, List<Series> series, Limits limits) throws IOException;

    /** Bar charts, side by side in one image. */
    void bars(Path png, List<BarPanel> panels) throws IOException;

    /** The renderer the report uses. */
    static ChartRenderer standard() {
        return new XChartRenderer();
    }
}
