package io.splitee.device.daemon;

import io.splitee.answers.AnswerPublisher;
import io.splitee.answers.AnswerRule;
import io.splitee.lifecycle.Threads;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.ResultParseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers stage: publishes each sample's answer on the results topic and acknowledges the sample
 * to the broker once the broker has acknowledged its answer, on its own thread
 * ({@code splitee-<device>-answers}), so the worker thread only decides and computes. A failed
 * publish follows split-core's {@link AnswerRule}, as the gateway's answers do: retried while nothing
 * was sent (at most {@link AnswerRule#maxAttempts()} attempts), given up at once when the broker will
 * never take it (too large, rejected; the sample is then acknowledged without an answer); a publish
 * lost with its connection is retried too, since a redelivery of its sample only takes over the
 * acknowledgement (below) and waits for this answer.
 *
 * <p>It also remembers which sample ids are being answered or were answered recently, so that a sample
 * delivered twice (QoS 1 redelivery) gets one answer: {@link #takeOver} lets the new delivery take over
 * the acknowledgement. Thread safety: {@link #submit} and {@link #takeOver} are called by the worker;
 * completions run on the answers thread. An id is entered in the answered memory before it leaves the
 * in-progress map, so a concurrent {@link #takeOver} always finds it in one of the two. An answer given
 * up is not remembered: a redelivery of its sample (possible when the acknowledgement could not reach
 * the broker) is answered afresh.
 *
 * <p>A direct sample (a CoAP request, {@link DirectSources}) goes through the same publish: where an MQTT
 * sample is acknowledged, it is handed the answer instead (also when the rule gave the publish up: the
 * client still gets its answer). It never takes over another delivery: it waits for the answer to its
 * sample id ({@link #awaitAnswer}), so a CoAP request and an MQTT delivery of the same sample both get
 * theirs, and the answer is published once.
 *
 * <p>Answers are published at {@code results.qos}, 2 by default, through a transport whose client keeps them in a file store
 * (the daemon's {@code state.runtime-dir}): a process killed with answers in flight leaves them there, and the next
 * one sends them again into its resumed session with their packet ids, so the broker delivers each once. At start,
 * before the worker takes a sample, {@link #restore} enters the sample ids of those answers, and of the last ones
 * the broker had completed ({@link Transport#earlierPublishes()}), in the answered memory: their samples, which the
 * broker redelivers because their acknowledgements had not reached it, are acknowledged without a second answer.
 * At {@code results.qos=1} the resent answers are delivered again (a QoS 1 resend is a second delivery).
 */
final class Answers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Answers.class);
    static final int ANSWERED_MEMORY = 8192;

    private final Transport transport;
    private final String topic;
    /** {@code results.qos}. */
    private final int qos;
    private final ScheduledThreadPoolExecutor thread;
    private final AnswerPublisher publisher;
    /** Sample id to the delivery to acknowledge once its answer is out (empty: nothing to acknowledge). */
    private final Map<String, Optional<Incoming>> inProgress = new ConcurrentHashMap<>();
    /** Direct samples waiting for the answer to their sample id; guarded by itself, with {@link #answered}. */
    private final Map<String, List<Incoming>> waiting = new HashMap<>();
    private final DirectSources direct;
    private final Map<String, Boolean> answered = new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > ANSWERED_MEMORY;
        }
    };
    /** Answers submitted and not yet done (settled and their samples acknowledged). */
    private final java.util.concurrent.atomic.AtomicInteger outstanding = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;
    /** The ids {@link #restore} entered (read-only). */
    private volatile Set<String> restored = Set.of();

    /**
     * Where the answers go: {@code splitee/<id>/results}, at {@code results.qos} (1 or 2).
     */
    record Results(String topic, int qos) {
        Results {
            java.util.Objects.requireNonNull(topic, "topic");
            if (qos < 1 || qos > 2) {
                throw new IllegalArgumentException("results.qos must be 1 or 2, got " + qos);
            }
        }
    }

    Answers(Transport transport, Results results, String threadName, AnswerRule rule,
            AnswerPublisher.Counters counters, DirectSources direct) {
        this.transport = transport;
        this.qos = results.qos();
        this.direct = direct;
        this.topic = results.topic();
        this.thread = new ScheduledThreadPoolExecutor(1, Threads.factory(threadName, true));
        this.thread.setRemoveOnCancelPolicy(true);
        this.publisher = new AnswerPublisher(transport, thread, rule, counters);
    }

    /**
     * Publishes an answer; {@code source} (may be null) is acknowledged once the answer is acknowledged, or,
     * for a direct sample, handed the answer.
     */
    void submit(ResultMessage r, Incoming source) {
        String id = r.sampleId();
        if (direct.owns(source)) {
            awaitAnswer(id, source, false);
            source = null;
        }
        inProgress.put(id, Optional.ofNullable(source));
        outstanding.incrementAndGet();
        run(() -> {
            Outgoing out = Outgoing.builder(topic, ResultCodec.toJson(r)).qos(qos).contentType(ResultCodec.CONTENT_TYPE)
                    .correlationData(id.getBytes(StandardCharsets.UTF_8)).build();
            publisher.publish(out, id + " from " + r.device(), new AnswerPublisher.Settle() {
                @Override
                public boolean redeliveryAnswers() {
                    return false; // a redelivery of a sample in progress takes over its acknowledgement
                }

                @Override
                public Incoming settled(AnswerPublisher.Outcome outcome) {
                    return Answers.this.settled(id, outcome, r);
                }

                @Override
                public void done(AnswerPublisher.Outcome outcome) {
                    outstanding.decrementAndGet(); // after the acknowledgement: shutdown may disconnect now
                }
            });
        });
    }

    /**
     * Publishes an answer that is not the answer of its sample id ({@code DUPLICATE_ID}: the id belongs to another
     * sample): it is not remembered as the id's answer, and {@code source} is acknowledged once it is out.
     */
    void submitUnremembered(ResultMessage r, Incoming source) {
        String id = r.sampleId();
        outstanding.incrementAndGet();
        run(() -> {
            Outgoing out = Outgoing.builder(topic, ResultCodec.toJson(r)).qos(qos).contentType(ResultCodec.CONTENT_TYPE)
                    .correlationData(id.getBytes(StandardCharsets.UTF_8)).build();
            publisher.publish(out, id + " (" + r.error().code() + ") from " + r.device(), new AnswerPublisher.Settle() {
                @Override
                public boolean redeliveryAnswers() {
                    return true; // a redelivery is answered the same way
                }

                @Override
                public Incoming settled(AnswerPublisher.Outcome outcome) {
                    return source;
                }

                @Override
                public void done(AnswerPublisher.Outcome outcome) {
                    outstanding.decrementAndGet();
                }
            });
        });
    }

    /**
     * Enters the sample ids of the answers an earlier process of this device published ({@code earlier}, as {@link
     * Transport#earlierPublishes()} lists them: still in flight and being sent again, or completed) in the answered
     * memory, so that their redelivered samples get no second answer. Call it before the worker takes a sample.
     * The id is the answer's correlation data (every answer carries its sample id there) or, without it, the
     * {@code sample_id} of its JSON. Publishes on other topics (offload frames, status) are skipped.
     *
     * @return the ids entered
     */
    Set<String> restore(List<Outgoing> earlier) {
        Set<String> ids = new LinkedHashSet<>();
        for (Outgoing o : earlier) {
            if (!o.topic().equals(topic)) {
                continue;
            }
            String id = null;
            if (o.correlationData().length > 0) {
                id = new String(o.correlationData(), StandardCharsets.UTF_8);
            } else {
                try {
                    id = ResultCodec.parse(o.payload()).sampleId();
                } catch (ResultParseException | RuntimeException e) {
                    LOG.warn("an answer of an earlier process on {} names no sample id ({}); its sample may be "
                            + "answered again", topic, e.getMessage());
                }
            }
            if (id != null) {
                ids.add(id);
            }
        }
        synchronized (answered) {
            for (String id : ids) {
                answered.put(id, Boolean.TRUE);
            }
        }
        restored = Set.copyOf(ids);
        return restored;
    }

    /** Whether {@code id} was answered by an earlier process of this device ({@link #restore}). */
    boolean answeredBeforeStart(String id) {
        return restored.contains(id);
    }

    /** Whether {@code id} is being answered or was answered recently (as {@link #takeOver}, without taking over). */
    boolean knows(String id) {
        if (inProgress.containsKey(id)) {
            return true;
        }
        synchronized (answered) {
            return answered.containsKey(id);
        }
    }

    private Incoming settled(String id, AnswerPublisher.Outcome outcome, ResultMessage r) {
        List<Incoming> directs;
        Optional<Incoming> source;
        synchronized (waiting) {
            if (outcome == AnswerPublisher.Outcome.DELIVERED) {
                synchronized (answered) {
                    answered.put(id, Boolean.TRUE);
                }
            }
            source = inProgress.remove(id);
            directs = waiting.remove(id);
        }
        if (directs != null) {
            for (Incoming d : directs) {
                if (outcome == AnswerPublisher.Outcome.LEFT_TO_BROKER) {
                    direct.unanswered(d, false, "the answer to " + id + " was not confirmed by the broker");
                } else {
                    direct.answer(d, r);
                }
            }
        }
        return source == null ? null : source.orElse(null);
    }

    /** Whether {@code m} is a direct sample (a CoAP request) still waiting for its answer. */
    boolean direct(Incoming m) {
        return direct.owns(m);
    }

    /**
     * A direct sample {@code m} waits for the answer to {@code id}.
     *
     * @param pendingElsewhere whether {@code id} is being computed elsewhere (an offload awaiting the gateway)
     * @return true when nothing under {@code id} is in progress: the caller computes it (and submits its answer
     *         with a null source); false when it joined an answer in progress, or was told at once that the id
     *         was answered already (the answer is not made twice)
     */
    boolean awaitAnswer(String id, Incoming m, boolean pendingElsewhere) {
        synchronized (waiting) {
            boolean inFlight = pendingElsewhere || inProgress.containsKey(id) || waiting.containsKey(id);
            if (!inFlight) {
                boolean done;
                synchronized (answered) {
                    done = answered.containsKey(id);
                }
                if (done) {
                    direct.unanswered(m, true, "sample " + id + " was answered already");
                    return false;
                }
            }
            waiting.computeIfAbsent(id, k -> new ArrayList<>(1)).add(m);
            return !inFlight;
        }
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

    /** Whether every submitted answer is settled (out, given up or left to the broker) and its sample acknowledged. */
    boolean idle() {
        return outstanding.get() == 0;
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

    /**
     * Stops the answers thread; answers not yet out stay unacknowledged with the broker, and direct samples
     * still waiting are told they get none. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (waiting) {
            waiting.clear();
        }
        direct.abandonAll();
    }
}
