package io.splitee.answers;

import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@link AnswerRule} for one program's answer stage: publishes an answer, and once it
 * settles acknowledges its source (delivered, or given up) or leaves the source to the broker. Every
 * completion and retry runs on the stage's own thread (the executor the caller owns and names
 * {@code ...-answers}), never on the transport's threads. Thread-safe.
 */
public final class AnswerPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerPublisher.class);

    /** How an answer settled. */
    public enum Outcome {
        /** The broker acknowledged the answer; its source is acknowledged. */
        DELIVERED,
        /** The rule gave up; the source is acknowledged without the answer. */
        GAVE_UP,
        /** The source is left unacknowledged: the broker redelivers it when the session resumes (or the stage stopped). */
        LEFT_TO_BROKER
    }

    /** The caller's side of one answer. */
    public interface Settle {
        /**
         * Whether a redelivery of the source, when the session resumes, makes this answer again (it
         * decides a lost connection: left to the broker, or retried); see {@link AnswerRule}.
         */
        boolean redeliveryAnswers();

        /**
         * Called once, on the stage thread, when the answer settled.
         *
         * @return the source message to acknowledge now (for {@link Outcome#DELIVERED} and
         *         {@link Outcome#GAVE_UP}; ignored for {@link Outcome#LEFT_TO_BROKER}), or null for none
         */
        Incoming settled(Outcome outcome);

        /**
         * Called once, after {@link #settled} and after the source was acknowledged: the point from
         * which a graceful stop may disconnect without losing the acknowledgement.
         */
        default void done(Outcome outcome) {
        }
    }

    /** What the caller counts; both default to nothing. */
    public interface Counters {
        /** One attempt failed. */
        default void failedAttempt(TransportException.Reason reason) {
        }

        /** An answer was given up. */
        default void gaveUp(TransportException.Reason reason) {
        }
    }

    private final Transport transport;
    private final ScheduledExecutorService stage;
    private final AnswerRule rule;
    private final Counters counters;

    /**
     * @param stage the answers thread: runs completions and retries
     */
    public AnswerPublisher(Transport transport, ScheduledExecutorService stage, AnswerRule rule, Counters counters) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.stage = Objects.requireNonNull(stage, "stage");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** The rule this publisher follows. */
    public AnswerRule rule() {
        return rule;
    }

    /**
     * Publishes {@code answer} (first attempt now, on the calling thread; completions on the stage).
     *
     * @param label names the answer in log lines, e.g. {@code "s-17 from d1"}
     */
    public void publish(Outgoing answer, String label, Settle settle) {
        attempt(answer, label, settle, 1);
    }

    private void attempt(Outgoing answer, String label, Settle settle, int attempt) {
        transport.publish(answer).whenComplete((ok, err) -> onStage(settle,
                () -> completed(answer, label, settle, attempt, err)));
    }

    private void completed(Outgoing answer, String label, Settle settle, int attempt, Throwable err) {
        if (err == null) {
            finish(settle, Outcome.DELIVERED);
            return;
        }
        TransportException.Reason reason = AnswerRule.reasonOf(err);
        counters.failedAttempt(reason);
        String cause = messageOf(err);
        switch (rule.onFailure(reason, attempt, settle.redeliveryAnswers())) {
            case RETRY -> {
                if (attempt == 1) {
                    LOG.info("answer {} not sent yet ({}); retrying every {}, at most {} attempts", label, cause,
                            rule.retryDelay(), rule.maxAttempts());
                }
                try {
                    stage.schedule(() -> attempt(answer, label, settle, attempt + 1), rule.retryDelay().toNanos(),
                            TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException stopped) {
                    finish(settle, Outcome.LEFT_TO_BROKER);
                }
            }
            case GIVE_UP -> {
                counters.gaveUp(reason);
                LOG.warn("answer {} given up after {} attempt(s) ({}); its source, if any, is acknowledged without it",
                        label, attempt, cause);
                finish(settle, Outcome.GAVE_UP);
            }
            case LEAVE_TO_BROKER -> {
                LOG.warn("answer {} not confirmed ({}); the broker redelivers its source when the session resumes",
                        label, cause);
                finish(settle, Outcome.LEFT_TO_BROKER);
            }
        }
    }

    private void finish(Settle settle, Outcome outcome) {
        Incoming source = settle.settled(outcome);
        if (source != null && outcome != Outcome.LEFT_TO_BROKER) {
            transport.ack(source);
        }
        settle.done(outcome);
    }

    private void onStage(Settle settle, Runnable task) {
        try {
            stage.execute(task);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("answers thread stopped; the broker keeps the unacknowledged source");
            finish(settle, Outcome.LEFT_TO_BROKER);
        }
    }

    private static String messageOf(Throwable err) {
        Throwable t = err;
        while (t.getCause() != null && !(t instanceof TransportException)) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
