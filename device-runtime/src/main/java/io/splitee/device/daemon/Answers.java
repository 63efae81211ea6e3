package io.splitee.device.daemon;

import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer stage: publishes each sample's answer on the results topic and acknowledges the sample to
 * the broker once the broker has acknowledged its answer, on its own thread
 * ({@code splitee-<device>-answers}), so the worker thread only decides and computes. An answer whose
 * publish fails is published again after {@link #REPUBLISH_DELAY} (the broker connection came back or
 * the in-flight window freed), never dropped.
 *
 * <p>It also remembers which sample ids are being answered or were answered recently, so that a sample
 * delivered twice (QoS 1 redelivery) gets one answer: {@link #takeOver} lets the new delivery take over
 * the acknowledgement. Thread safety: {@link #submit} and {@link #takeOver} are called by the worker;
 * completions arrive on the MQTT client's thread and are handed to the answers thread. An id is entered
 * in the answered memory before it leaves the in-progress map, so a concurrent {@link #takeOver} always
 * finds it in one of the two.
 */
final class Answers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Answers.class);
    static final Duration REPUBLISH_DELAY = Duration.ofMillis(500);
    private static final int ANSWERED_MEMORY = 8192;

    private final Transport transport;
    private final String topic;
    private final ScheduledExecutorService timer;
    private final ExecutorService thread;
    /** Sample id to the delivery to acknowledge once its answer is out (empty: nothing to acknowledge). */
    private final Map<String, Optional<Incoming>> inProgress = new ConcurrentHashMap<>();
    private final Map<String, Boolean> answered = new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > ANSWERED_MEMORY;
        }
    };
    private volatile boolean closed;

    Answers(Transport transport, String topic, ScheduledExecutorService timer, String threadName) {
        this.transport = transport;
        this.topic = topic;
        this.timer = timer;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Publishes an answer; {@code source} (may be null) is acknowledged once the answer is acknowledged. */
    void submit(ResultMessage r, Incoming source) {
        inProgress.put(r.sampleId(), Optional.ofNullable(source));
        run(() -> send(r));
    }

    /**
     * Whether this sample id is being answered or was answered recently. If so, the new delivery takes
     * over the acknowledgement (or is acknowledged at once when the answer is already out) and the caller
     * makes no second answer.
     */
    boolean takeOver(String id, Incoming m) {
        if (inProgress.computeIfPresent(id, (k, v) -> Optional.of(m)) != null) {
            return true;
        }
        boolean done;
        synchronized (answered) {
            done = answered.containsKey(id);
        }
        if (done) {
            transport.ack(m);
        }
        return done;
    }

    /** Whether every submitted answer is out and acknowledged. */
    boolean idle() {
        return inProgress.isEmpty();
    }

    private void send(ResultMessage r) {
        String id = r.sampleId();
        Outgoing out = Outgoing.builder(topic, ResultCodec.toJson(r)).qos(1).contentType(ResultCodec.CONTENT_TYPE)
                .correlationData(id.getBytes(StandardCharsets.UTF_8)).build();
        transport.publish(out).whenComplete((ok, err) -> run(() -> completed(r, err)));
    }

    private void completed(ResultMessage r, Throwable err) {
        String id = r.sampleId();
        if (err != null) {
            LOG.warn("answer for {} not published ({}); retrying in {}", id, err.getMessage(), REPUBLISH_DELAY);
            try {
                timer.schedule(() -> run(() -> send(r)), REPUBLISH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                LOG.warn("answer for {} not published and the daemon is stopping; the broker keeps the sample", id);
            }
            return;
        }
        synchronized (answered) {
            answered.put(id, Boolean.TRUE);
        }
        Optional<Incoming> source = inProgress.remove(id);
        if (source != null && source.isPresent()) {
            transport.ack(source.get());
        }
    }

    private void run(Runnable task) {
        if (closed) {
            return;
        }
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("answers thread stopped; task dropped (the broker keeps unacknowledged samples)");
        }
    }

    /** Stops the answers thread; answers not yet out stay unacknowledged with the broker. Idempotent. */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }
}
