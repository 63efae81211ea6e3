package io.splitee.gateway.service;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames whose MQTT message expiry ran out before a worker took them (docs/protocol.md, "Stale frames"): the device
 * that sent one has passed its offload deadline and finished the sample itself, so the gateway would compute an
 * answer the device drops as late. Each is acknowledged, not computed and not answered; counted in {@code
 * splitee_gateway_frames_expired_total} and logged at most once per {@link #LOG_EVERY}. Called from the MQTT
 * callback thread and the workers.
 */
final class StaleFrames {
    private static final Logger LOG = LoggerFactory.getLogger(StaleFrames.class);
    /** At most one log line per this interval, with the count since the last one. */
    static final Duration LOG_EVERY = Duration.ofSeconds(30);

    private final Counter expired;
    private final Answers answers;
    private long notLogged;
    private long nextLogNanos;
    private boolean logged;

    StaleFrames(Counter expired, Answers answers) {
        this.expired = expired;
        this.answers = answers;
    }

    /** Whether {@code job}'s expiry has passed at {@code nowNanos}. */
    static boolean expired(Job job, long nowNanos) {
        return nowNanos - job.expiresNanos() >= 0;
    }

    /** Skips {@code job}, whose expiry passed (see {@link #expired}): acknowledged without an answer. */
    void skip(Job job, long nowNanos) {
        expired.increment();
        answers.acknowledge(job.message());
        String line = null;
        synchronized (this) {
            notLogged++;
            if (!logged || nowNanos - nextLogNanos >= 0) {
                line = notLogged + " frame(s) skipped as expired since the last such line, the latest "
                        + job.frame().sampleId() + " from " + job.device() + " after "
                        + Duration.ofNanos(nowNanos - job.arrivedNanos()).toMillis() + " ms here";
                notLogged = 0;
                logged = true;
                nextLogNanos = nowNanos + LOG_EVERY.toNanos();
            }
        }
        if (line != null) {
            LOG.info("{}: past the device's offload deadline (the frame's message expiry), so the device has "
                    + "answered them itself; acknowledged, not computed", line);
        }
    }
}
