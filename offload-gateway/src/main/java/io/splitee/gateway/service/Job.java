package io.splitee.gateway.service;

import io.splitee.mqtt.Incoming;
import io.splitee.wire.Frame;

/**
 * One validated frame waiting for a worker.
 *
 * @param model        the served model it was computed with
 * @param frame        the decoded frame (values on the heap)
 * @param message      the MQTT message it came in (acknowledged once answered)
 * @param device       the device id from the topic {@code splitee/<device>/features}
 * @param arrivedNanos {@link System#nanoTime()} when the frame reached the gateway
 * @param expiresNanos {@link System#nanoTime()} when its MQTT message expiry runs out (arrival plus the interval
 *                     the broker sent, which the broker had already shortened by the time it held the frame):
 *                     the device has finished the sample itself by then. {@code arrivedNanos + Long.MAX_VALUE / 2}
 *                     for a frame without one ({@link #NEVER})
 */
record Job(ServedModel model, Frame frame, Incoming message, String device, long arrivedNanos, long expiresNanos) {
    /** How far after arrival a frame without a message expiry "expires": never, in practice (146 years). */
    static final long NEVER = Long.MAX_VALUE / 2;

    /** A job for a frame that arrived at {@code arrivedNanos}, expiring after the message's expiry interval. */
    static Job of(ServedModel model, Frame frame, Incoming message, String device, long arrivedNanos) {
        // at most 2^32 - 1 s (MQTT's limit): 4.3e18 ns, below NEVER; nanoTime arithmetic wraps, compare differences
        long expires = arrivedNanos + message.messageExpiry().map(d -> Math.min(d.toNanos(), NEVER)).orElse(NEVER);
        return new Job(model, frame, message, device, arrivedNanos, expires);
    }

    /**
     * What frames must share to run as one batch: the model (id and manifest) and the block the tensor
     * follows (0 for a raw sample), hence the first block to run.
     */
    record Key(ServedModel model, int block) {
    }
}
