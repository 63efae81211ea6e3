/**
 * The demo's report: what a policy did on each sample ({@link io.splitee.demo.report.PolicyRun}), the
 * baselines replayed with the engine's {@code Replay} on the trace rows of the same samples
 * ({@link io.splitee.demo.report.Baselines}), the device's measured costs
 * ({@link io.splitee.demo.report.Measured}), and the folder written from them
 * ({@link io.splitee.demo.report.ReportWriter}: PNG charts, CSV, JSON, index.html) with its text summary
 * ({@link io.splitee.demo.report.SummaryTable}). The plotting library is used only behind
 * {@code ChartRenderer}. Knows nothing of MQTT or ONNX.
 */
package io.splitee.demo.report;
