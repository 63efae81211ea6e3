package io.splitee.bench;

import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.wire.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Devices for {@link GatewayBenchmark}: publishers of real feature frames on
 * {@code splitee/bench-dN/features} (response topic {@code splitee/bench-dN/replies}, correlation
 * data a sequence number) and one subscriber to every reply. Closed loop (a fixed number of frames
 * outstanding: peak throughput) or open loop (Poisson arrivals at a fixed rate: latency under load).
 */
final class GatewayBenchLoad implements AutoCloseable {
    private static final int DEVICES = 8;
    private static final byte[] OK = "\"status\":\"ok\"".getBytes(StandardCharsets.UTF_8);

    /** What one phase measured. */
    record Phase(long sent, long answeredOk, long answeredOther, long answeredInPhase, double seconds,
                 long[] roundTripNanos) {
        double throughput() {
            return answeredOk / seconds;
        }

        double roundTripMs(double q) {
            if (roundTripNanos.length == 0) {
                return Double.NaN;
            }
            long[] s = roundTripNanos.clone();
            Arrays.sort(s);
            return s[(int) Math.min(s.length - 1, Math.floor(q * s.length))] / 1e6;
        }
    }

    private final List<Transport> senders = new ArrayList<>();
    private final Transport receiver;
    private final byte[][] frames;
    private final ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private volatile Semaphore window;
    private volatile Recording recording;

    /** Counters of the current measurement window. */
    private static final class Recording {
        final long from;
        volatile long until = Long.MAX_VALUE;
        final AtomicLong ok = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong all = new AtomicLong();
        final long[] rtt = new long[1 << 20];
        final AtomicLong rttCount = new AtomicLong();

        Recording(long from) {
            this.from = from;
        }

        boolean inWindow(long t) {
            return t >= from && t < until;
        }
    }

    GatewayBenchLoad(String brokerUri, byte[][] frames) throws Exception {
        this.frames = frames;
        for (int i = 0; i < 2; i++) {
            Transport t = Transport.mqtt(MqttSettings.builder("bench-pub-" + i + "-" + System.nanoTime(), brokerUri)
                    .cleanStart(true).sessionExpiry(Duration.ZERO).maxInFlight(64).build());
            t.start();
            senders.add(t);
        }
        receiver = Transport.mqtt(MqttSettings.builder("bench-sub-" + System.nanoTime(), brokerUri)
                .cleanStart(true).sessionExpiry(Duration.ZERO).receiveMaximum(65_535).build());
        receiver.subscribe("splitee/+/replies", 1, this::onReply);
        receiver.start();
    }

    private void onReply(Incoming m) {
        long now = System.nanoTime();
        try {
            byte[] c = m.correlationData();
            if (c.length == Long.BYTES) {
                Long t0 = sentAt.remove(ByteBuffer.wrap(c).getLong());
                Recording r = recording;
                if (t0 != null && r != null) {
                    r.all.incrementAndGet();
                }
                if (t0 != null && r != null && r.inWindow(now)) {
                    if (contains(m.payloadBuffer(), OK)) {
                        r.ok.incrementAndGet();
                        long i = r.rttCount.getAndIncrement();
                        if (i < r.rtt.length) {
                            r.rtt[(int) i] = now - t0;
                        }
                    } else {
                        r.other.incrementAndGet();
                    }
                }
                Semaphore w = window;
                if (w != null && t0 != null) {
                    w.release();
                }
            }
        } finally {
            receiver.ack(m);
        }
    }

    private static boolean contains(ByteBuffer hay, byte[] needle) {
        outer:
        for (int i = hay.position(); i <= hay.limit() - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private void send() {
        long id = seq.incrementAndGet();
        int d = (int) (id % DEVICES);
        byte[] frame = frames[(int) (id % frames.length)];
        Outgoing out = Outgoing.builder("splitee/bench-d" + d + "/features", frame).qos(1)
                .contentType(Frame.CONTENT_TYPE).responseTopic("splitee/bench-d" + d + "/replies")
                .correlationData(ByteBuffer.allocate(Long.BYTES).putLong(id).array()).build();
        sentAt.put(id, System.nanoTime());
        Recording r = recording;
        if (r != null) {
            r.sent.incrementAndGet();
        }
        senders.get((int) (id & 1)).publish(out);
    }

    /** Keeps {@code outstanding} frames in flight; measures the answers that arrive in {@code measure}. */
    Phase closedLoop(int outstanding, Duration warmup, Duration measure) throws InterruptedException {
        Semaphore w = new Semaphore(outstanding);
        window = w;
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            while (running.get()) {
                try {
                    if (w.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        send();
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-sender");
        Phase p = measure(sender, running, warmup, measure);
        window = null;
        return p;
    }

    /** Sends at {@code rate} frames per second with Poisson arrivals (seeded); measures round trips. */
    Phase openLoop(double rate, Duration warmup, Duration measure) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            Random rnd = new Random(42);
            long next = System.nanoTime();
            while (running.get()) {
                next += (long) (-Math.log(1 - rnd.nextDouble()) / rate * 1e9);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                send();
            }
        }, "bench-sender");
        return measure(sender, running, warmup, measure);
    }

    private Phase measure(Thread sender, AtomicBoolean running, Duration warmup, Duration measure)
            throws InterruptedException {
        long start = System.nanoTime() + warmup.toNanos();
        Recording r = new Recording(start);
        recording = r;
        sender.start();
        Thread.sleep(warmup.plus(measure).toMillis());
        r.until = System.nanoTime();
        running.set(false);
        sender.join(10_000);
        double seconds = (r.until - r.from) / 1e9;
        // drain: let what is outstanding come back before the next phase
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!sentAt.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        sentAt.clear();
        recording = null;
        int n = (int) Math.min(r.rttCount.get(), r.rtt.length);
        return new Phase(r.sent.get(), r.ok.get(), r.other.get(), r.all.get(), seconds, Arrays.copyOf(r.rtt, n));
    }

    @Override
    public void close() {
        senders.forEach(Transport::close);
        receiver.close();
    }
}
