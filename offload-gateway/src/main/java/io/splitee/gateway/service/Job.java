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
 */
record Job(ServedModel model, Frame frame, Incoming message, String device, long arrivedNanos) {

    /**
     * What frames must share to run as one batch: the model (id and manifest) and the block the tensor
     * follows (0 for a raw sample), hence the first block to run.
     */
    record Key(ServedModel model, int block) {
    }
}
