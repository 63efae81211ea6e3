package io.splitee.demo.feed;

import io.splitee.lifecycle.Threads;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends every message of a {@link Samples.Source} to one topic at a steady rate, on its
 * own thread ({@code splitee-demo-publisher}). Message {@code i} leaves at {@code start + i/rate}
 * (a publisher that falls behind catches up without bursts beyond the transport's in-flight window).
 * The first failure stops it; {@link #failure()} says why.
 */
public final class SamplePublisher implements AutoCloseable {
    private final Transport transport;
    private final String topic;
    private final Samples.Source source;
    private final double rate;
    private final int qos;
    private final Thread thread;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    private SamplePublisher(Transport transport, String topic, Samples.Source source, double rate, int qos) {
        this.transport = transport;
        this.topic = topic;
        this.source = source;
        this.rate = rate;
        this.qos = qos;
        this.thread = Threads.factory("splitee-demo-publisher", true).newThread(this::run);
    }

    /**
     * Starts sending.
     *
     * @param transport a started transport (not closed by the publisher)
     * @param topic     the samples topic, e.g. {@code splitee/cam1/samples}
     * @param source    what to send
     * @param rate      messages per second, &gt; 0
     * @param qos       0 or 1 (with 0 the publisher waits for nothing; with 1 for the broker's acknowledgement)
     */
    public static SamplePublisher start(Transport transport, String topic, Samples.Source source, double rate, int qos) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(source, "source");
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate: " + rate + " must be a finite number > 0");
        }
        if (qos != 0 && qos != 1) {
            throw new IllegalArgumentException("qos: " + qos + " must be 0 or 1");
        }
        SamplePublisher p = new SamplePublisher(transport, topic, source, rate, qos);
        p.thread.start();
        return p;
    }

    private void run() {
        long start = System.nanoTime();
        CompletableFuture<?> last = CompletableFuture.completedFuture(null);
        try {
            for (int i = 0; i < source.count() && !stop; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Samples.Message m = source.message(i);
                Outgoing.Builder b = Outgoing.builder(topic, m.payload()).qos(qos).contentType(m.contentType());
                if (m.idAsProperty()) {
                    b.userProperty("sample-id", m.sampleId())
                            .correlationData(m.sampleId().getBytes(StandardCharsets.UTF_8));
                }
                last = transport.publish(b.build()).whenComplete((ok, err) -> {
                    if (err != null) {
                        failure.compareAndSet(null, err);
                        stop = true;
                    } else {
                        acknowledged.incrementAndGet();
                    }
                });
                sent.incrementAndGet();
            }
            last.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            source.close();
        }
    }

    /** Messages handed to the transport so far. */
    public int sent() {
        return sent.get();
    }

    /** Messages the broker acknowledged so far (QoS 1), or written to the socket (QoS 0). */
    public int acknowledged() {
        return acknowledged.get();
    }

    /** Whether the publisher has finished (everything sent, or stopped by a failure or {@link #close()}). */
    public boolean done() {
        return !thread.isAlive();
    }

    /** Waits until done, up to {@code millis}. */
    public boolean await(long millis) throws InterruptedException {
        thread.join(Math.max(1, millis));
        return done();
    }

    /** The first failure, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Stops sending (messages already handed over may still arrive). Idempotent. */
    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
