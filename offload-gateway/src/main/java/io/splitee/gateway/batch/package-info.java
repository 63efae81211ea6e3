/**
 * Dynamic micro-batching, independent of MQTT and ONNX Runtime: a bounded queue that hands items of
 * equal key out together, bounded in batch size and in how long an item may be held back to let its
 * batch fill. Entry point: {@link io.splitee.gateway.batch.MicroBatcher}.
 */
package io.splitee.gateway.batch;
