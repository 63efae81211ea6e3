/**
 * The demo's report ({@link io.splitee.demo.report.Report}, built piece by piece with its builder):
 * what a policy did on each sample ({@code PolicyRun}, from a device's answers: {@code LiveRun}), the
 * baselines replayed with the engine's {@code Replay} on the trace rows of the same samples
 * ({@code Baselines}), all measured with one yardstick ({@link io.splitee.demo.report.Settings}: the
 * paper's cost and threshold), the device's measured costs ({@code Measured}), and the folder written
 * from them ({@code ReportWriter}: PNG charts, CSV, JSON, index.html) with its text summary
 * ({@code SummaryTable}). The plotting library is used only behind {@code ChartRenderer}. Knows nothing
 * of MQTT or ONNX.
 */
package io.splitee.demo.report;
