package io.splitee.gateway.service;

import io.splitee.gateway.batch.MicroBatcher;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Transport;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.FrameException;
import io.splitee.wire.Ids;
import io.splitee.wire.ResultMessage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes frames on the MQTT client's callback thread: validates and decodes each one against the
 * served models and queues it for the workers. It never publishes and never blocks: a rejected frame
 * or a full queue is answered through {@link Answers#sendLater} from the answers thread. While
 * stopping, frames are left unacknowledged, so the broker redelivers them when this instance's
 * session resumes.
 */
final class Intake implements Transport.MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
    /** The model id of an error answer when the frame was rejected before its model id was known. */
    static final String UNKNOWN_MODEL_ID = "unknown";
    /** The error code of an {@code overloaded} answer (docs/protocol.md). */
    static final String OVERLOADED = "OVERLOADED";
    static final String INTERNAL_ERROR = "INTERNAL_ERROR";
    static final String BAD_RESPONSE_TOPIC = "BAD_RESPONSE_TOPIC";

    private final ServedModels models;
    private final FrameDecoder decoder;
    private final MicroBatcher<Job.Key, Job> batcher;
    private final Answers answers;
    private final GatewayMetrics metrics;
    private final int queueSize;
    private final StaleFrames stale;
    private volatile boolean stopping;

    Intake(ServedModels models, FrameDecoder decoder, MicroBatcher<Job.Key, Job> batcher, Answers answers,
           GatewayMetrics metrics, int queueSize, StaleFrames stale) {
        this.models = models;
        this.decoder = decoder;
        this.batcher = batcher;
        this.answers = answers;
        this.metrics = metrics;
        this.queueSize = queueSize;
        this.stale = stale;
    }

    /** From now on frames are left to the broker (not acknowledged, redelivered later). */
    void stop() {
        stopping = true;
    }

    @Override
    public void onMessage(Incoming m) {
        long arrived = System.nanoTime();
        if (stopping) {
            return;
        }
        metrics.frames.increment();
        String device = deviceOf(m.topic());
        if (device == null) {
            metrics.unanswered.increment();
            LOG.warn("frame on '{}' cannot be answered: the device segment is not a valid device id "
                    + "([A-Za-z0-9._-], 1..64); acknowledged and dropped", m.topic());
            answers.acknowledge(m);
            return;
        }
        Frame frame;
        try {
            frame = decoder.decode(m.payloadBuffer());
        } catch (FrameException e) {
            reject(m, device, arrived, e);
            return;
        } catch (RuntimeException e) { // the decoder promises not to; never let Paho see it
            LOG.error("decoding a frame from {} failed unexpectedly", device, e);
            Optional<String> sid = sampleId(m, Optional.empty());
            if (sid.isEmpty()) {
                unanswerable(m, device, INTERNAL_ERROR);
                return;
            }
            answerLater(m, () -> error(sid.get(), device, UNKNOWN_MODEL_ID, new ResultMessage.ErrorInfo(INTERNAL_ERROR,
                    "the gateway failed to decode the frame: " + e), arrived), INTERNAL_ERROR);
            return;
        }
        ServedModel model = models.find(frame.modelId(), frame.manifest()).orElseThrow(); // the decoder checked it
        Optional<String> rt = m.responseTopic();
        if (rt.isPresent() && !rt.get().equals(Answers.repliesTopic(device))) {
            // answered on the device's own replies topic, never where a frame says (issue 19)
            LOG.warn("frame {} from {} names response topic '{}', not {}: refused", frame.sampleId(), device,
                    rt.get(), Answers.repliesTopic(device));
            answerLater(m, () -> error(frame.sampleId(), device, model.id, new ResultMessage.ErrorInfo(
                    BAD_RESPONSE_TOPIC, "the response topic must be " + Answers.repliesTopic(device)
                    + " (the device of the topic the frame arrived on)"), arrived), BAD_RESPONSE_TOPIC);
            return;
        }
        Job job = Job.of(model, frame, m, device, arrived);
        if (StaleFrames.expired(job, arrived)) {
            // a message expiry of 0: a broker that resent it after its expiry (MQTT 5 allows that for a frame
            // whose delivery had started); the device has finished the sample
            stale.skip(job, arrived);
            return;
        }
        if (!batcher.offer(new Job.Key(model, frame.block()), job)) {
            if (stopping || batcher.isClosed()) {
                return; // stopping meanwhile: left to the broker like any frame that arrives now
            }
            overloaded(job);
        }
    }

    private void reject(Incoming m, String device, long arrived, FrameException e) {
        Optional<String> sid = sampleId(m, e.sampleId());
        LOG.warn("frame {} from {} rejected: {}", sid.orElse("(no sample id)"), device, e.getMessage());
        if (sid.isEmpty()) {
            unanswerable(m, device, e.code().name());
            return;
        }
        String model = e.modelId().orElse(UNKNOWN_MODEL_ID);
        answerLater(m, () -> error(sid.get(), device, model, ResultMessage.ErrorInfo.of(e), arrived), e.code().name());
    }

    /**
     * A rejected frame with neither a readable sample id nor usable correlation data: no answer could be
     * matched by the device (docs/protocol.md), so it is counted, logged and acknowledged.
     */
    private void unanswerable(Incoming m, String device, String code) {
        metrics.error(code);
        metrics.unanswered.increment();
        LOG.warn("frame from {} on '{}' has no sample id and no usable correlation data: counted, not answered",
                device, m.topic());
        answers.acknowledge(m);
    }

    private void overloaded(Job job) {
        Frame f = job.frame();
        String msg = "the gateway's queue of " + queueSize + " frames is full; finish the sample on the device "
                + "or try again later";
        boolean queued = answers.sendLater(() -> ResultMessage.builder(f.sampleId(), job.device(), job.model().id)
                .refused(ResultMessage.Status.OVERLOADED, OVERLOADED, msg).computedAt(ResultMessage.Location.GATEWAY)
                .splitBlock(f.deviceExitBlock()).sentAs(f.encoding(), f.compression())
                .timings(timings(job.arrivedNanos())).build(), job.message());
        if (queued) {
            metrics.answeredOverloaded();
        } else {
            metrics.unanswered.increment(); // Answers logged why
        }
    }

    private void answerLater(Incoming m, Supplier<ResultMessage> answer, String code) {
        metrics.error(code);
        if (answers.sendLater(answer, m)) {
            metrics.answeredError();
        } else {
            metrics.unanswered.increment(); // Answers logged why
        }
    }

    private static ResultMessage error(String sampleId, String device, String modelId, ResultMessage.ErrorInfo info,
                                       long arrived) {
        return ResultMessage.builder(sampleId, device, modelId).refused(ResultMessage.Status.ERROR, info.code(),
                info.message()).computedAt(ResultMessage.Location.GATEWAY).timings(timings(arrived)).build();
    }

    private static ResultMessage.Timings timings(long arrived) {
        return new ResultMessage.Timings(null, null, Duration.ofNanos(Math.max(0, System.nanoTime() - arrived)), null);
    }

    /** The device id from {@code splitee/<device>/features}, or null if that segment is not a valid id. */
    static String deviceOf(String topic) {
        int a = topic.indexOf('/');
        int b = a < 0 ? -1 : topic.indexOf('/', a + 1);
        if (b < 0) {
            return null;
        }
        return Ids.isName(topic, a + 1, b) ? topic.substring(a + 1, b) : null;
    }

    /** The frame's sample id if the decoder read it, else the correlation data if it is a valid sample id. */
    static Optional<String> sampleId(Incoming m, Optional<String> fromFrame) {
        if (fromFrame.isPresent()) {
            return fromFrame;
        }
        byte[] c = m.correlationData();
        if (c.length > 0 && c.length <= 64) {
            try {
                String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(c)).toString();
                if (s.chars().noneMatch(Character::isISOControl)) {
                    return Optional.of(s);
                }
            } catch (CharacterCodingException e) {
                // not text: no id
            }
        }
        return Optional.empty();
    }
}
