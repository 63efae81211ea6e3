/**
 * The device daemon ({@code splitee-device run}): takes samples from MQTT, lets the SplitEE engine
 * choose how deep to compute, runs the blocks with the segment runner, answers on the device or
 * offloads to a gateway, measures every cost it pays, and never loses a sample.
 *
 * <p>Entry type: {@link io.splitee.device.daemon.DeviceDaemon}. Threads: the MQTT client's callback
 * thread only enqueues; one worker thread {@code splitee-<device>-worker} runs the {@code Pipeline}
 * (decode → plan → run → decide, one {@code Sample} at a time) and owns the engine, the runner, the
 * cost estimates and every pending offload; one answers thread {@code splitee-<device>-answers}
 * serialises and publishes the answers and acknowledges each sample once its answer is acknowledged
 * (so the worker only decides and computes); one timer thread {@code splitee-<device>-timer} turns
 * deadlines, probes and state saves into events for the worker.
 */
package io.splitee.device.daemon;
