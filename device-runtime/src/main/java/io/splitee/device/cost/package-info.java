/**
 * What the paper leaves abstract, measured: per-block and per-exit compute time on this device, the
 * link's round trip and throughput, and the gateway's compute time, smoothed, saved with the engine's
 * state, and turned into reward units by a cost model with documented weights. Knows no MQTT and no
 * ONNX Runtime: the daemon feeds it durations and byte counts.
 */
package io.splitee.device.cost;
