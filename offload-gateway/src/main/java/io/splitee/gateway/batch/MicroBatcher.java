package io.splitee.gateway.batch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A bounded queue that hands out items in batches of equal key: dynamic micro-batching across
 * producers. Items of one key are handed out in arrival order; across keys, the key whose oldest
 * item is oldest goes first.
 *
 * <p>A key is <em>ready</em> when it holds {@code maxBatch} items, when its oldest item has waited
 * {@code maxWait}, or when the batcher is closed. {@link #take()} returns the ready key with the
 * oldest item, up to {@code maxBatch} of its items, and otherwise waits until a key becomes ready.
 * With {@code maxWait} zero every queued item is ready at once, so batches form only from what
 * accumulated while the consumers were busy.
 *
 * <p>{@link #offer} never blocks: it refuses an item when {@code capacity} items are queued or the
 * batcher is closed, so the producer can answer "overloaded" at once. After {@link #close()} the
 * items already queued are still handed out (without waiting) and {@link #take()} then returns
 * {@code null}: consumers drain and stop.
 *
 * <p>Thread-safe: any number of producers and consumers.
 *
 * @param <K> the batch key (equal keys batch together; needs {@code equals}/{@code hashCode})
 * @param <T> the item
 */
public final class MicroBatcher<K, T> implements AutoCloseable {

    /**
     * Items of one key handed out together.
     *
     * @param key          the key they share
     * @param items        the items, oldest first (1..maxBatch)
     * @param arrivalNanos each item's arrival on the batcher's clock, same order as {@code items}
     * @param <K>          the key type
     * @param <T>          the item type
     */
    public record Batch<K, T>(K key, List<T> items, long[] arrivalNanos) {
        /** Validates and copies. */
        public Batch {
            Objects.requireNonNull(key, "key");
            items = List.copyOf(items);
            arrivalNanos = arrivalNanos.clone();
            if (items.isEmpty() || items.size() != arrivalNanos.length) {
                throw new IllegalArgumentException("items: a batch holds 1.. items, each with its arrival time");
            }
        }

        /** @return the number of items */
        public int size() {
            return items.size();
        }

        /** @return a copy of the arrival times */
        @Override
        public long[] arrivalNanos() {
            return arrivalNanos.clone();
        }
    }

    private record Entry<T>(T item, long arrived) {
    }

    private final int capacity;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<K, ArrayDeque<Entry<T>>> queues = new LinkedHashMap<>();
    private volatile int size;
    private boolean closed;

    /**
     * A batcher on {@link System#nanoTime()}.
     *
     * @param capacity most items queued at once, at least 1
     * @param maxBatch most items per batch, at least 1
     * @param maxWait  longest an item is held back to let its batch fill, 0 or more
     */
    public MicroBatcher(int capacity, int maxBatch, Duration maxWait) {
        this(capacity, maxBatch, maxWait, System::nanoTime);
    }

    /**
     * A batcher on the given clock (for tests).
     *
     * @param capacity most items queued at once, at least 1
     * @param maxBatch most items per batch, at least 1
     * @param maxWait  longest an item is held back to let its batch fill, 0 or more
     * @param clock    monotonic nanoseconds
     */
    public MicroBatcher(int capacity, int maxBatch, Duration maxWait, LongSupplier clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Queues an item without blocking.
     *
     * @param key  its batch key
     * @param item the item
     * @return false if the batcher is full or closed (the item was not queued)
     */
    public boolean offer(K key, T item) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(item, "item");
        lock.lock();
        try {
            if (closed || size >= capacity) {
                return false;
            }
            ArrayDeque<Entry<T>> q = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
            q.addLast(new Entry<>(item, clock.getAsLong()));
            size++;
            if (q.size() == 1 || q.size() == maxBatch) {
                changed.signalAll(); // a new deadline, or a full batch
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next ready batch, waiting as long as needed.
     *
     * @return the batch, or {@code null} once the batcher is closed and empty
     * @throws InterruptedException if interrupted while waiting
     */
    public Batch<K, T> take() throws InterruptedException {
        return next(false, 0);
    }

    /**
     * Takes the next ready batch, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the batch, or {@code null} if none became ready in time or the batcher is closed and empty
     * @throws InterruptedException if interrupted while waiting
     */
    public Batch<K, T> poll(Duration timeout) throws InterruptedException {
        return next(true, System.nanoTime() + timeout.toNanos());
    }

    private Batch<K, T> next(boolean timed, long end) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                long left = timed ? end - System.nanoTime() : Long.MAX_VALUE;
                if (size == 0) {
                    if (closed || left <= 0) {
                        return null;
                    }
                    if (timed) {
                        changed.awaitNanos(left);
                    } else {
                        changed.await();
                    }
                    continue;
                }
                long now = clock.getAsLong();
                K best = null;
                long bestArrival = Long.MAX_VALUE;
                long nextDeadline = Long.MAX_VALUE;
                for (Map.Entry<K, ArrayDeque<Entry<T>>> e : queues.entrySet()) {
                    ArrayDeque<Entry<T>> q = e.getValue();
                    long arrived = q.peekFirst().arrived();
                    if (closed || q.size() >= maxBatch || now - arrived >= maxWaitNanos) {
                        if (best == null || arrived - bestArrival < 0) {
                            best = e.getKey();
                            bestArrival = arrived;
                        }
                    } else {
                        nextDeadline = Math.min(nextDeadline, arrived + maxWaitNanos - now);
                    }
                }
                if (best != null) {
                    return remove(best);
                }
                if (left <= 0) {
                    return null;
                }
                changed.awaitNanos(Math.max(1, Math.min(left, nextDeadline)));
            }
        } finally {
            lock.unlock();
        }
    }

    private Batch<K, T> remove(K key) {
        ArrayDeque<Entry<T>> q = queues.get(key);
        int n = Math.min(maxBatch, q.size());
        List<T> items = new ArrayList<>(n);
        long[] arrived = new long[n];
        Iterator<Entry<T>> it = q.iterator();
        for (int i = 0; i < n; i++) {
            Entry<T> e = it.next();
            it.remove();
            items.add(e.item());
            arrived[i] = e.arrived();
        }
        if (q.isEmpty()) {
            queues.remove(key);
        }
        size -= n;
        return new Batch<>(key, items, arrived);
    }

    /** @return items queued now (a snapshot) */
    public int size() {
        return size;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking items; what is queued is handed out at once, then {@link #take()} returns null.
     * Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
