package io.splitee.device.daemon;

import io.splitee.mqtt.Incoming;
import java.util.ArrayDeque;

/**
 * The worker's two inboxes under one lock: control events (replies, deadlines, publish completions),
 * always taken first, and samples. Samples from the broker are always taken in: the broker hands the
 * device at most its Receive Maximum ({@code queue.size}) unacknowledged messages and holds the rest, so
 * refusing one would only refuse a sample the broker still holds for the device. Direct samples (CoAP
 * requests, which have no broker to wait in) are taken only while fewer than {@code queue.size} samples
 * wait.
 */
final class EventLoop {
    /** A sample waiting for the worker. */
    record Job(Incoming message, long arrivedNanos) {
    }

    private final ArrayDeque<Runnable> control = new ArrayDeque<>();
    private final ArrayDeque<Job> samples = new ArrayDeque<>();
    private final int capacity;
    private final int controlCapacity;

    EventLoop(int capacity) {
        this.capacity = capacity;
        this.controlCapacity = Math.max(10_000, capacity * 16);
    }

    /** Queues a sample the broker delivered (bounded by the Receive Maximum the device announces). */
    synchronized void addSample(Job j) {
        samples.addLast(j);
        notifyAll();
    }

    /** Offers a direct sample (a CoAP request); false when {@code queue.size} samples wait already. */
    synchronized boolean offerDirect(Job j) {
        if (samples.size() >= capacity) {
            return false;
        }
        samples.addLast(j);
        notifyAll();
        return true;
    }

    /**
     * Posts a control event; false only when even the control inbox is full (a flood the worker cannot
     * keep up with; the caller then leaves the message unacknowledged for the broker to redeliver).
     */
    synchronized boolean post(Runnable r) {
        if (control.size() >= controlCapacity) {
            return false;
        }
        control.addLast(r);
        notifyAll();
        return true;
    }

    /** Samples waiting. */
    synchronized int queuedSamples() {
        return samples.size();
    }

    /**
     * Takes the next event: a control event if any, else a sample; waits up to {@code waitMillis}.
     *
     * @return a {@link Runnable}, a {@link Job}, or {@code null} after the wait
     */
    synchronized Object take(long waitMillis) throws InterruptedException {
        if (control.isEmpty() && samples.isEmpty() && waitMillis > 0) {
            wait(waitMillis);
        }
        if (!control.isEmpty()) {
            return control.pollFirst();
        }
        return samples.pollFirst();
    }
}
