/**
 * Trace replay: reads a recorded trace (per sample, every exit's confidence and prediction, and
 * optionally the label) and replays a {@link io.splitee.engine.Policy} over it, computing cost,
 * offloads, accuracy and regret against the best fixed arm.
 *
 * <p>Entry points: {@link io.splitee.replay.Trace} (read or build a trace) and
 * {@link io.splitee.replay.Replay} (run a policy, giving a {@link io.splitee.replay.ReplayResult}).
 * Reads files; knows nothing of MQTT or ONNX.
 */
package io.splitee.replay;
