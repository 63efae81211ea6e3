package io.splitee.device.daemon;

import io.splitee.device.cost.MeasuredCosts;
import io.splitee.engine.Observation;
import io.splitee.engine.Outcome;
import io.splitee.mqtt.Incoming;
import java.util.Arrays;

/**
 * Everything about one sample, from its arrival to its answer: the thing that flows through the
 * pipeline, and the only place per-sample state lives. Owned by the worker thread.
 *
 * <p>Exits are live exits (1..L); {@link #arm} is the live arm (0: the raw sample was sent). The
 * engine's view is {@link #observation}, in the engine's arms (see {@link ArmMapping}).
 */
final class Sample {
    final String id;
    final long arrivedNanos;
    /** A probe: the last input sent raw to measure the link; it gets no answer and teaches the engine nothing. */
    final boolean probe;
    /** C_i at live exit i (index i−1), {@link Outcome#UNOBSERVED} where not computed. */
    final double[] confidences;
    /** The class predicted at live exit i (index i−1), where computed. */
    final int[] predictions;
    /** The delivery to acknowledge once answered (a redelivery takes it over); null for a probe. */
    Incoming source;
    /** What the engine planned and observed. */
    Observation observation;
    /** The live arm: how deep the device computed before answering or offloading. */
    int arm;
    /** The last block computed for this sample. */
    int computedTo;
    /** Device compute time spent on this sample, blocks and exits. */
    long deviceNanos;
    /** Boundary {@link #arm}, kept while offloaded so that a fallback can continue from it. */
    float[] features;
    /** What the offload carries, set when sent. */
    MeasuredCosts.Payload payload;
    /** Bytes of the offload frame. */
    long bytes;
    /** When the offload was published. */
    long sentNanos;
    /** Cancels the offload's deadline. */
    Runnable cancelDeadline = () -> { };

    Sample(String id, Incoming source, long arrivedNanos, int exits, boolean probe) {
        this.id = id;
        this.source = source;
        this.arrivedNanos = arrivedNanos;
        this.probe = probe;
        this.confidences = new double[exits];
        this.predictions = new int[exits];
        Arrays.fill(confidences, Outcome.UNOBSERVED);
    }

    /** C at live exit {@code exit}. */
    double confidence(int exit) {
        return confidences[exit - 1];
    }

    /** The class predicted at live exit {@code exit}. */
    int prediction(int exit) {
        return predictions[exit - 1];
    }

    /** The first block the gateway computes for this offload: after the arm for features, 1 for the raw sample. */
    int gatewayFromBlock() {
        return payload == MeasuredCosts.Payload.FEATURES ? arm + 1 : 1;
    }

    @Override
    public String toString() {
        return "Sample[" + id + ", arm " + arm + (probe ? ", probe" : "") + "]";
    }
}
