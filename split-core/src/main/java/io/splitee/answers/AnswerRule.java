package io.splitee.answers;

import io.splitee.mqtt.TransportException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What the answer stage does when publishing an answer failed, the same on the device and the gateway.
 *
 * <ul>
 *   <li>{@code PACKET_TOO_LARGE}, {@code REJECTED}: the broker will never take this answer; a
 *       redelivery of its source would fail the same way. {@link Action#GIVE_UP} at once.</li>
 *   <li>A lost connection of a session that resumes is not a failure here: the transport keeps the
 *       publish, its client resends it into the resumed session, and the future completes with that
 *       resend ({@link io.splitee.mqtt.Transport#publish}). Publishing it again here as well put a third
 *       copy of each answer in flight at a link reset on the results topic (issue #20; the second, the
 *       resend of an answer whose PUBACK was lost, is QoS 1's own).</li>
 *   <li>{@code CONNECTION_LOST} (a session that ends with its connection: nothing resends it),
 *       {@code CLOSED}, when a redelivery of the source answers it again (the gateway recomputes a
 *       redelivered frame): the source's delivery belongs to a connection that is gone, so
 *       acknowledging it does nothing; the broker redelivers it when the session resumes and it is
 *       answered then. {@link Action#LEAVE_TO_BROKER}. Otherwise (the gateway's answer whose frame was
 *       acknowledged already; the device, where a redelivered sample whose answer is in progress only
 *       takes over the acknowledgement) no redelivery brings the answer back: {@code CONNECTION_LOST}
 *       is retried, {@code CLOSED} given up.</li>
 *   <li>{@code SESSION_LOST}: the client dropped the answer unsent with its session (or, at QoS 2, the
 *       broker lost it with the session after its PUBREC), and the source's delivery went with that
 *       session too, so no redelivery answers it again. Retried where the source still waits for it (the
 *       device: published again, as a new message); {@link Action#GIVE_UP} where a redelivery would have
 *       answered it (the gateway: the device finishes the sample at its deadline).</li>
 *   <li>anything else ({@code NOT_CONNECTED}, {@code BACKPRESSURE}, {@code TIMEOUT}, {@code FAILED}):
 *       nothing was sent; {@link Action#RETRY} after {@link #retryDelay()}, at most
 *       {@link #maxAttempts()} attempts in all, then {@link Action#GIVE_UP}.</li>
 * </ul>
 * Giving up acknowledges the source (so a live connection does not redeliver it forever), logs one
 * line naming the answer and the reason, and is counted by the caller.
 *
 * @param retryDelay  the wait before the next attempt, &gt; 0
 * @param maxAttempts attempts in all, the first included, ≥ 1
 */
public record AnswerRule(Duration retryDelay, int maxAttempts) {

    /** 100 ms between attempts, 50 attempts: an answer waits about 5 s for the broker, then is given up. */
    public static final AnswerRule DEFAULT = new AnswerRule(Duration.ofMillis(100), 50);

    /** What to do after a failed attempt. */
    public enum Action {
        /** Publish the answer again after the retry delay. */
        RETRY,
        /** Stop trying: acknowledge the source without the answer, log and count. */
        GIVE_UP,
        /** Stop trying and leave the source unacknowledged: the broker redelivers it when the session resumes. */
        LEAVE_TO_BROKER
    }

    /** Validates. */
    public AnswerRule {
        Objects.requireNonNull(retryDelay, "retryDelay");
        if (retryDelay.isNegative() || retryDelay.isZero()) {
            throw new IllegalArgumentException("retryDelay must be > 0, got " + retryDelay);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
    }

    /**
     * The action after attempt number {@code attempt} (1-based) failed for {@code reason}.
     *
     * @param redeliveryAnswers whether a redelivery of the source, when the session resumes, makes this
     *                          answer again
     */
    public Action onFailure(TransportException.Reason reason, int attempt, boolean redeliveryAnswers) {
        Objects.requireNonNull(reason, "reason");
        switch (reason) {
            case PACKET_TOO_LARGE, REJECTED -> {
                return Action.GIVE_UP;
            }
            case CLOSED -> {
                return redeliveryAnswers ? Action.LEAVE_TO_BROKER : Action.GIVE_UP;
            }
            case CONNECTION_LOST -> {
                if (redeliveryAnswers) {
                    return Action.LEAVE_TO_BROKER;
                }
            }
            case SESSION_LOST -> {
                if (redeliveryAnswers) {
                    return Action.GIVE_UP;
                }
            }
            default -> {
                // nothing was sent: retry below
            }
        }
        return attempt < maxAttempts ? Action.RETRY : Action.GIVE_UP;
    }

    /** The reason of a failed publish future's exception ({@code FAILED} for anything but a {@link TransportException}). */
    public static TransportException.Reason reasonOf(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof TransportException te ? te.reason() : TransportException.Reason.FAILED;
    }
}
