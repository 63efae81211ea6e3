package io.splitee.mqtt;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counting window bounding publishes handed to the MQTT client and not yet completed. Like a
 * semaphore, but its limit can change at run time (the broker's Receive Maximum arrives with each
 * CONNACK) and it records the highest occupancy seen, so tests can check the bound held.
 */
final class InFlightWindow {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private int limit;
    private int inFlight;
    private int peak;

    InFlightWindow(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("in-flight limit must be at least 1, got " + limit);
        }
        this.limit = limit;
    }

    /**
     * Takes a slot, waiting up to {@code timeout} for one.
     *
     * @return false if none became free in time
     */
    boolean acquire(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (inFlight >= limit) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = released.awaitNanos(nanos);
            }
            inFlight++;
            if (inFlight > peak) {
                peak = inFlight;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Returns a slot taken by {@link #acquire}. */
    void release() {
        lock.lock();
        try {
            if (inFlight <= 0) {
                throw new IllegalStateException("in-flight window released more often than acquired");
            }
            inFlight--;
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Changes the limit; slots already taken stay taken, new ones wait until below it. */
    void setLimit(int newLimit) {
        if (newLimit < 1) {
            throw new IllegalArgumentException("in-flight limit must be at least 1, got " + newLimit);
        }
        lock.lock();
        try {
            limit = newLimit;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** The highest number of slots ever held at once. */
    int peak() {
        lock.lock();
        try {
            return peak;
        } finally {
            lock.unlock();
        }
    }

}
