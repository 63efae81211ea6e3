package io.splitee.gateway.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {
    /** A clock the test moves by hand, so readiness never depends on real time. */
    private final AtomicLong now = new AtomicLong(1_000_000);
    private static final Duration LONG = Duration.ofHours(1);

    private MicroBatcher<String, Integer> batcher(int capacity, int maxBatch, Duration maxWait) {
        return new MicroBatcher<>(capacity, maxBatch, maxWait, now::get);
    }

    @Test
    void aFullBatchOfOneKeyIsHandedOutAtOnceInArrivalOrder() throws Exception {
        MicroBatcher<String, Integer> b = batcher(100, 3, LONG);
        b.offer("a", 1);
        b.offer("b", 10);
        b.offer("a", 2);
        assertNull(b.poll(Duration.ZERO), "no key is full and nothing waited long enough");
        b.offer("a", 3);
        b.offer("a", 4);
        MicroBatcher.Batch<String, Integer> batch = b.poll(Duration.ZERO);
        assertEquals("a", batch.key());
        assertEquals(List.of(1, 2, 3), batch.items(), "at most maxBatch, oldest first");
        assertEquals(2, b.size());
    }

    @Test
    void anItemThatWaitedMaxWaitIsHandedOutAlone() throws Exception {
        MicroBatcher<String, Integer> b = batcher(100, 8, Duration.ofMillis(5));
        b.offer("a", 1);
        assertNull(b.poll(Duration.ZERO));
        now.addAndGet(Duration.ofMillis(5).toNanos());
        MicroBatcher.Batch<String, Integer> batch = b.poll(Duration.ZERO);
        assertEquals(List.of(1), batch.items());
        assertArrayEquals(new long[] {1_000_000}, batch.arrivalNanos());
    }

    @Test
    void amongReadyKeysTheOneWithTheOldestItemGoesFirst() throws Exception {
        MicroBatcher<String, Integer> b = batcher(100, 8, Duration.ZERO);
        b.offer("a", 1);
        now.addAndGet(10);
        b.offer("b", 2);
        now.addAndGet(10);
        b.offer("a", 3);
        assertEquals(List.of(1, 3), b.poll(Duration.ZERO).items(), "a's oldest item is the oldest overall");
        assertEquals(List.of(2), b.poll(Duration.ZERO).items());
        assertNull(b.poll(Duration.ZERO));
    }

    @Test
    void zeroWaitBatchesWhatAccumulated() throws Exception {
        MicroBatcher<String, Integer> b = batcher(100, 4, Duration.ZERO);
        for (int i = 0; i < 6; i++) {
            b.offer("k", i);
        }
        assertEquals(List.of(0, 1, 2, 3), b.take().items());
        assertEquals(List.of(4, 5), b.take().items());
    }

    @Test
    void offerRefusesWhenFullAndAcceptsAgainAfterATake() throws Exception {
        MicroBatcher<String, Integer> b = batcher(3, 2, Duration.ZERO);
        assertTrue(b.offer("a", 1));
        assertTrue(b.offer("b", 2));
        assertTrue(b.offer("a", 3));
        assertFalse(b.offer("c", 4), "capacity counts items of every key");
        assertEquals(3, b.size());
        b.take();
        assertTrue(b.offer("c", 4));
    }

    @Test
    void closeHandsOutWhatIsQueuedWithoutWaitingThenNull() throws Exception {
        MicroBatcher<String, Integer> b = batcher(100, 8, LONG);
        b.offer("a", 1);
        b.offer("b", 2);
        b.close();
        assertFalse(b.offer("a", 3), "closed: nothing new");
        Set<Integer> drained = new HashSet<>();
        drained.addAll(b.take().items());
        drained.addAll(b.take().items());
        assertEquals(Set.of(1, 2), drained);
        assertNull(b.take());
        assertTrue(b.isClosed());
    }

    @Test
    void closeWakesAWaitingConsumer() throws Exception {
        MicroBatcher<String, Integer> b = new MicroBatcher<>(10, 4, LONG);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<MicroBatcher.Batch<String, Integer>> f = ex.submit(b::take);
            b.close();
            assertNull(f.get(10, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void aFullBatchWakesAWaitingConsumer() throws Exception {
        MicroBatcher<String, Integer> b = new MicroBatcher<>(10, 2, LONG);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<MicroBatcher.Batch<String, Integer>> f = ex.submit(b::take);
            b.offer("a", 1);
            b.offer("a", 2);
            assertEquals(List.of(1, 2), f.get(10, TimeUnit.SECONDS).items());
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void concurrentProducersAndConsumersLoseAndDuplicateNothing() throws Exception {
        MicroBatcher<Integer, Integer> b = new MicroBatcher<>(50, 5, Duration.ofMillis(1));
        int producers = 3;
        int perProducer = 2000;
        ExecutorService ex = Executors.newFixedThreadPool(producers + 2);
        try {
            List<Future<List<Integer>>> consumers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                consumers.add(ex.submit(() -> {
                    List<Integer> got = new ArrayList<>();
                    MicroBatcher.Batch<Integer, Integer> batch;
                    while ((batch = b.take()) != null) {
                        for (int item : batch.items()) {
                            assertEquals(batch.key().intValue(), item % 4, "an item is batched under its key");
                        }
                        assertTrue(batch.size() <= 5);
                        got.addAll(batch.items());
                    }
                    return got;
                }));
            }
            List<Future<?>> prods = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                prods.add(ex.submit(() -> {
                    for (int i = base; i < base + perProducer; i++) {
                        while (!b.offer(i % 4, i)) {
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            for (Future<?> f : prods) {
                f.get(60, TimeUnit.SECONDS);
            }
            b.close();
            Set<Integer> all = new HashSet<>();
            int count = 0;
            for (Future<List<Integer>> f : consumers) {
                List<Integer> got = f.get(60, TimeUnit.SECONDS);
                count += got.size();
                all.addAll(got);
            }
            assertEquals(producers * perProducer, count, "no item twice");
            assertEquals(producers * perProducer, all.size(), "no item lost");
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher<String, Integer>(0, 1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher<String, Integer>(1, 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new MicroBatcher<String, Integer>(1, 1, Duration.ofMillis(-1)));
    }
}
