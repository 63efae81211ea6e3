/**
 * The SplitEE decision engine: which split point (arm) to compute on the device for the next
 * sample, learned online from the confidences the exits report.
 *
 * <p>Owns the policies (SplitEE, SplitEE-S as published and as a device runs it, their discounted
 * and sliding-window variants for drifting costs, and the baselines), the reward of an outcome, the
 * cost-model plug point (prices fixed, summed as recorded, or drifting, applied to each arm's
 * cost-independent statistics when it chooses) and the persisted policy state. Pure and deterministic: no I/O, no
 * clock, no threads, no MQTT or ONNX; randomness comes only from the configured seed.
 *
 * <p>Entry points: {@link io.splitee.engine.Policies} (create or restore a
 * {@link io.splitee.engine.Policy}). Data: {@link io.splitee.engine.EngineConfig},
 * {@link io.splitee.engine.Outcome}, {@link io.splitee.engine.PolicyState}. Plug point:
 * {@link io.splitee.engine.CostModel} with {@link io.splitee.engine.PaperCost}. Everything else is
 * package-private. See docs/engine.md.
 */
package io.splitee.engine;
