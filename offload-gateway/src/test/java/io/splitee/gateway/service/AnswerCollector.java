package io.splitee.gateway.service;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.ResultParseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listens like devices would: every answer on {@code splitee/+/replies} and {@code splitee/+/results},
 * keyed by topic and sample id, with the correlation data and the arrival time.
 */
final class AnswerCollector implements AutoCloseable {
    /** One answer as received. */
    record Answer(String topic, ResultMessage message, String correlation, long arrivedNanos) {
    }

    private final Transport transport;
    final Map<String, List<Answer>> byKey = new ConcurrentHashMap<>();
    final List<String> unreadable = new CopyOnWriteArrayList<>();

    AnswerCollector(String brokerUri) throws Exception {
        transport = Transport.mqtt(MqttSettings.builder("collector-" + System.nanoTime(), brokerUri)
                .cleanStart(true).sessionExpiry(Duration.ZERO).receiveMaximum(1000).build());
        Transport.MessageHandler h = m -> {
            long now = System.nanoTime();
            try {
                ResultMessage r = ResultCodec.parse(m.payload());
                String[] levels = m.topic().split("/");
                byKey.computeIfAbsent(key(levels[2], r.device(), r.sampleId()), k -> new CopyOnWriteArrayList<>())
                        .add(new Answer(m.topic(), r, new String(m.correlationData(), StandardCharsets.UTF_8), now));
            } catch (ResultParseException e) {
                unreadable.add(m.topic() + ": " + e.getMessage());
            }
            transport.ack(m);
        };
        transport.subscribe("splitee/+/replies", 1, h);
        transport.subscribe("splitee/+/results", 1, h);
        transport.start();
    }

    static String key(String topicKind, String device, String sampleId) {
        return topicKind + "/" + device + "/" + sampleId;
    }

    List<Answer> replies(String device, String sampleId) {
        return byKey.getOrDefault(key("replies", device, sampleId), List.of());
    }

    List<Answer> results(String device, String sampleId) {
        return byKey.getOrDefault(key("results", device, sampleId), List.of());
    }

    /** Waits until every key has at least one answer, or fails naming the missing ones. */
    void awaitAll(List<String> keys, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> missing = new ArrayList<>();
            for (String k : keys) {
                if (!byKey.containsKey(k)) {
                    missing.add(k);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(missing.size() + " of " + keys.size() + " frames unanswered after " + timeout
                        + ", e.g. " + missing.subList(0, Math.min(5, missing.size())));
            }
            Thread.sleep(20);
        }
    }

    /** Keys answered more than once. */
    List<String> duplicates() {
        List<String> d = new ArrayList<>();
        byKey.forEach((k, v) -> {
            if (v.size() > 1) {
                d.add(k + " x" + v.size());
            }
        });
        return d;
    }

    /** Whether its connection is up (its session ends with it: answers published while it is down are lost). */
    boolean isConnected() {
        return transport.isConnected();
    }

    @Override
    public void close() {
        transport.close();
    }
}
