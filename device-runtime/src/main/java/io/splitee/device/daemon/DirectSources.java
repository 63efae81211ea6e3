package io.splitee.device.daemon;

import io.splitee.device.coap.SampleSink;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.UserProperty;
import io.splitee.wire.ResultMessage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples whose source takes its answer back directly instead of an acknowledgement to the broker: the
 * CoAP requests. Each becomes an {@link Incoming} on the topic {@value #TOPIC} with a negative delivery tag
 * of its own (a transport's tags are never negative), so it travels the one pipeline as any message from
 * the samples topic; where an MQTT sample is acknowledged once its answer is out, {@link Answers} hands
 * a direct one its answer instead. Thread-safe.
 */
final class DirectSources {
    /** The topic direct samples name in logs; they are never published or acknowledged. */
    static final String TOPIC = "coap:/samples";

    private final Map<Long, SampleSink.Reply> replies = new ConcurrentHashMap<>();
    private final AtomicLong nextTag = new AtomicLong(-1);

    /** A message for the pipeline carrying {@code sample}; {@code reply} gets its answer. */
    Incoming register(SampleSink.Posted sample, SampleSink.Reply reply) {
        long tag = nextTag.getAndDecrement();
        List<UserProperty> props = sample.sampleId().map(id -> List.of(new UserProperty("sample-id", id)))
                .orElse(List.of());
        Incoming m = new Incoming(TOPIC, sample.payload(), 1, false, false, Optional.of(sample.contentType()),
                Optional.empty(), new byte[0], props, tag);
        replies.put(tag, reply);
        return m;
    }

    /** Whether {@code m} is a direct sample still waiting for its answer. */
    boolean owns(Incoming m) {
        return m != null && m.deliveryTag() < 0 && replies.containsKey(m.deliveryTag());
    }

    /** Forgets a sample that never entered the queue. */
    void forget(Incoming m) {
        replies.remove(m.deliveryTag());
    }

    /** Hands {@code m} its answer. */
    void answer(Incoming m, ResultMessage r) {
        SampleSink.Reply reply = replies.remove(m.deliveryTag());
        if (reply != null) {
            reply.answered(r);
        }
    }

    /** Tells {@code m} it gets no answer. */
    void unanswered(Incoming m, boolean alreadyAnswered, String message) {
        SampleSink.Reply reply = replies.remove(m.deliveryTag());
        if (reply != null) {
            reply.unanswered(alreadyAnswered, message);
        }
    }

    /** Tells every sample still waiting that it gets no answer (the daemon stopped). */
    void abandonAll() {
        for (Long tag : List.copyOf(replies.keySet())) {
            SampleSink.Reply reply = replies.remove(tag);
            if (reply != null) {
                reply.unanswered(false, "the device stopped before answering");
            }
        }
    }
}
