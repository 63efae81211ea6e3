package io.splitee.gateway.service;

import io.splitee.answers.AnswerPublisher;
import io.splitee.answers.AnswerRule;
import io.splitee.lifecycle.Threads;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import io.splitee.replyauth.ReplyKey;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes answers and acknowledges each frame once its answer is with the broker.
 *
 * <p>An answer goes to the frame's MQTT 5 response topic, or to {@code splitee/<device>/results}
 * when the frame named none, with the frame's correlation data (or the sample id when it had none).
 * The frame is acknowledged only after the broker acknowledged the answer, so a frame whose answer
 * was lost (connection dropped, process killed) is redelivered by the broker when the session
 * resumes. A failed publish follows split-core's {@link AnswerRule}, as the device's answers do: one
 * that sent nothing (back-pressure, not connected yet, reconnecting) is retried for a few seconds and
 * then given up (its frame acknowledged, counted as unanswered); one lost with its connection is left
 * to the broker's redelivery; an answer the broker refuses outright (too large, rejected) is given up
 * at once and its frame acknowledged, because a redelivery would fail the same way.
 *
 * <p>Every answer is published from this class's own named answers thread ({@code splitee-gw-<id>-answers}), which also runs the
 * retries: workers hand theirs over with {@link #send} (and go back to computing); the MQTT callback
 * thread, which must not publish, hands over errors and overloaded answers with {@link #sendLater}.
 *
 * <p>The callback thread never leaves a frame unacknowledged for want of room: when its backlog is
 * full, the answer is made at once, the frame is acknowledged and only the answer (a few hundred
 * bytes, without the frame's payload) waits for the answers thread; it is retried for a few seconds, across a
 * reconnect too, since no redelivery would bring it back. A frame left unacknowledged on a live connection would hold a slot
 * of the broker's in-flight window until the connection ends, and with a client that acknowledges in
 * order (the HiveMQ client, as MQTT 5 requires) it would hold back every later acknowledgement too.
 */
final class Answers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

    private final Transport transport;
    /** Null, or the key every reply is tagged with ({@link ReplyKey#PROPERTY}). */
    private final ReplyKey replyKey;
    private final GatewayMetrics metrics;
    private final ScheduledThreadPoolExecutor thread;
    private final AnswerPublisher publisher;
    private final int backlogLimit;
    private final int detachedLimit;
    private final Semaphore workerBacklog;
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicInteger detached = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Object idle = new Object();

    /**
     * @param replyKey      null, or the fleet's reply key: every reply then carries its tag
     * @param backlogLimit  answers from the MQTT callback thread that may wait for the answers thread (beyond it
     *                      {@link #sendLater} refuses)
     * @param workerBacklog answers from the workers that may wait for the answers thread (beyond it {@link #send}
     *                      blocks)
     * @param detachedLimit answers whose frames were acknowledged at once because the backlog was full that
     *                      may wait for the answers thread (beyond it the frame is acknowledged unanswered)
     */
    Answers(Transport transport, ReplyKey replyKey, GatewayMetrics metrics, String threadName, int backlogLimit,
            int workerBacklog, int detachedLimit) {
        this.transport = transport;
        this.replyKey = replyKey;
        this.metrics = metrics;
        this.backlogLimit = backlogLimit;
        this.detachedLimit = detachedLimit;
        this.workerBacklog = new Semaphore(workerBacklog);
        this.thread = new ScheduledThreadPoolExecutor(1, Threads.factory(threadName, true));
        this.thread.setRemoveOnCancelPolicy(true);
        this.publisher = new AnswerPublisher(transport, thread, AnswerRule.DEFAULT, new AnswerPublisher.Counters() {
            @Override
            public void failedAttempt(TransportException.Reason reason) {
                metrics.publishFailures.increment();
            }

            @Override
            public void gaveUp(TransportException.Reason reason) {
                metrics.unanswered.increment();
            }
        });
    }

    /**
     * Hands a worker's answer to the answers thread, which publishes it and acknowledges the frame
     * once the broker has it; the worker goes back to computing at once instead of waiting for an
     * in-flight slot. Blocks only while {@code workerBacklog} answers already wait for the answers thread
     * (back-pressure when the broker takes answers more slowly than the workers make them).
     */
    void send(Supplier<ResultMessage> answer, Incoming frame) {
        outstanding.incrementAndGet();
        try {
            workerBacklog.acquire();
        } catch (InterruptedException e) { // forced shutdown only: the frame stays with the broker
            Thread.currentThread().interrupt();
            settled();
            return;
        }
        try {
            thread.execute(() -> {
                workerBacklog.release();
                publishNew(answer, frame);
            });
        } catch (RejectedExecutionException e) {
            workerBacklog.release();
            settled();
        }
    }

    /** Acknowledges a frame that gets no answer (nothing could be answered); any thread. */
    void acknowledge(Incoming frame) {
        transport.ack(frame);
    }

    /**
     * Publishes from the answers thread; for the MQTT callback thread. Never leaves the frame
     * unacknowledged: when the backlog is full the answer is made now, the frame acknowledged and the
     * answer alone queued (see the class comment).
     *
     * @param answer made on the answers thread (so that its timing includes the wait for it), or at once
     *               when the backlog is full
     * @return false only if even the queue of answers without frames is full (or the answers thread is
     *         stopped): the frame was acknowledged without an answer
     */
    boolean sendLater(Supplier<ResultMessage> answer, Incoming frame) {
        if (backlog.incrementAndGet() > backlogLimit) {
            backlog.decrementAndGet();
            return sendDetached(answer, frame);
        }
        outstanding.incrementAndGet();
        try {
            thread.execute(() -> {
                backlog.decrementAndGet();
                publishNew(answer, frame);
            });
            return true;
        } catch (RejectedExecutionException e) {
            backlog.decrementAndGet();
            settled();
            return false; // stopped: the frame stays with the broker
        }
    }

    /** An answer and the message that carries it. */
    private record Prepared(ResultMessage answer, Outgoing out) {
    }

    /** Makes the answer and its message, or acknowledges the frame without one and returns null. */
    private Prepared prepare(Supplier<ResultMessage> answer, Incoming frame) {
        try {
            ResultMessage r = answer.get();
            return new Prepared(r, outgoing(r, frame));
        } catch (RuntimeException e) {
            LOG.error("cannot make the answer for the frame on {}: {}; acknowledged without one", frame.topic(),
                    e.toString());
            transport.ack(frame);
            return null;
        }
    }

    private boolean sendDetached(Supplier<ResultMessage> answer, Incoming frame) {
        Prepared p = prepare(answer, frame);
        if (p == null) {
            return false;
        }
        ResultMessage r = p.answer();
        Outgoing out = p.out();
        transport.ack(frame);
        if (detached.incrementAndGet() > detachedLimit) {
            detached.decrementAndGet();
            LOG.error("answers backlog full ({} answers with their frames, {} without): frame {} from {} "
                    + "acknowledged without an answer; the device finishes it at its offload deadline", backlogLimit,
                    detachedLimit, r.sampleId(), r.device());
            return false;
        }
        if (detached.get() == 1) {
            LOG.warn("answers backlog of {} full: frames are acknowledged at once and their answers queued "
                    + "without them", backlogLimit);
        }
        outstanding.incrementAndGet();
        try {
            thread.execute(() -> {
                detached.decrementAndGet();
                attempt(r, out, null);
            });
            return true;
        } catch (RejectedExecutionException e) {
            detached.decrementAndGet();
            settled();
            return false;
        }
    }

    /** On the answers thread: makes the answer now (so its gateway time includes the wait for this thread). */
    private void publishNew(Supplier<ResultMessage> answer, Incoming frame) {
        Prepared p = prepare(answer, frame);
        if (p == null) {
            settled();
            return;
        }
        attempt(p.answer(), p.out(), frame);
    }

    /**
     * Publishes under split-core's {@link AnswerRule}; the frame (null for an answer whose frame was
     * acknowledged already) is acknowledged once the broker has the answer or the rule gives up.
     */
    private void attempt(ResultMessage answer, Outgoing out, Incoming frame) {
        publisher.publish(out, answer.sampleId() + " from " + answer.device(), new AnswerPublisher.Settle() {
            @Override
            public boolean redeliveryAnswers() {
                return frame != null; // the redelivered frame is computed and answered again
            }

            @Override
            public Incoming settled(AnswerPublisher.Outcome outcome) {
                return frame;
            }

            @Override
            public void done(AnswerPublisher.Outcome outcome) {
                Answers.this.settled(); // after the frame's acknowledgement: a graceful stop must not lose it
            }
        });
    }

    /**
     * The device's replies topic, {@code splitee/<device>/replies}: the only topic the gateway answers on, the
     * device taken from the topic the frame arrived on. Never the device's results topic (the device is its
     * only writer) and never a topic a frame names (Intake refuses a frame whose Response Topic differs).
     */
    static String repliesTopic(String device) {
        return "splitee/" + device + "/replies";
    }

    /** The answer on the device's replies topic, tagged when there is a reply key. */
    private Outgoing outgoing(ResultMessage answer, Incoming frame) {
        byte[] json = ResultCodec.toJson(answer);
        Outgoing.Builder b = Outgoing.builder(repliesTopic(answer.device()), json).qos(1)
                .contentType(ResultCodec.CONTENT_TYPE).correlationData(correlation(answer, frame));
        if (replyKey != null) {
            b.userProperty(ReplyKey.PROPERTY, replyKey.tag(json));
        }
        return b.build();
    }

    private static byte[] correlation(ResultMessage answer, Incoming frame) {
        byte[] c = frame.correlationData();
        return c.length > 0 ? c : answer.sampleId().getBytes(StandardCharsets.UTF_8);
    }

    private void settled() {
        if (outstanding.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** Answers handed over but not yet settled (published and acknowledged, or given up). */
    int outstanding() {
        return outstanding.get();
    }

    /**
     * Waits until every answer handed over is settled.
     *
     * @return whether all settled within the timeout
     */
    boolean awaitSettled(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (outstanding.get() > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        }
        return true;
    }

    /** Stops the answers thread (after {@link #awaitSettled}); idempotent. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
