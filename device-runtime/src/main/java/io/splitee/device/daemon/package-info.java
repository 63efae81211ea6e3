/**
 * The device daemon ({@code splitee-device run}): takes samples from MQTT, lets the SplitEE engine
 * choose how deep to compute, runs the blocks with the segment runner, answers on the device or
 * offloads to a gateway, measures every cost it pays, and never loses a sample.
 *
 * <p>Entry type: {@link io.splitee.device.daemon.DeviceDaemon}. Threads: the MQTT client's callback
 * thread only enqueues; one worker thread {@code splitee-<device>-worker} owns the engine, the runner,
 * the cost estimates and every pending offload; one timer thread {@code splitee-<device>-timer} turns
 * deadlines, probes and state saves into events for the worker.
 */
package io.splitee.device.daemon;
