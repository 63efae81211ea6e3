/**
 * Trace replay: reads a recorded trace (per sample, every exit's confidence and prediction, and
 * optionally the label) and replays a {@link io.splitee.engine.Policy} over it, computing cost,
 * offloads, accuracy and regret against the best fixed arm.
 *
 * <p>Entry points: {@link io.splitee.replay.Trace} (read or build a trace) and
 * {@link io.splitee.replay.Replay} (run a policy, giving a {@link io.splitee.replay.ReplayResult}).
 * With measured costs: {@link io.splitee.replay.CostProfile} (a machine's measured compute, frame sizes
 * and link) and {@link io.splitee.replay.MeasuredReplay}, which reuses the live device's
 * {@link io.splitee.device.cost.MeasuredCosts} so that replay and daemon price arms and payloads alike.
 * Replay of change: {@link io.splitee.replay.Schedule} (traces following each other, shuffled
 * repetition, cost changes at given samples) and {@link io.splitee.replay.ScheduledReplay} (the
 * replay with the paper's costs changing, and how the policy followed each change).
 * Reads files; knows nothing of MQTT or ONNX.
 */
package io.splitee.replay;
