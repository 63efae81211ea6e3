package io.splitee.device.daemon;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.ResultParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Subscribes to a device's results topic like any application would, and keeps every answer. */
final class ResultCollector implements AutoCloseable {
    private final Transport transport;
    final Map<String, List<ResultMessage>> byId = new ConcurrentHashMap<>();
    final List<ResultMessage> inOrder = new CopyOnWriteArrayList<>();
    final List<String> unreadable = new CopyOnWriteArrayList<>();

    ResultCollector(String brokerUri, String deviceId) throws Exception {
        transport = Transport.mqtt(MqttSettings.builder("collector-" + deviceId + "-" + System.nanoTime(), brokerUri)
                .cleanStart(true).sessionExpiry(Duration.ZERO).build());
        transport.subscribe("splitee/" + deviceId + "/results", 1, m -> {
            try {
                ResultMessage r = ResultCodec.parse(m.payload());
                byId.computeIfAbsent(r.sampleId(), k -> new CopyOnWriteArrayList<>()).add(r);
                inOrder.add(r);
            } catch (ResultParseException e) {
                unreadable.add(e.getMessage());
            }
            transport.ack(m);
        });
        transport.start();
    }

    /** Waits until {@code n} distinct samples have answers, or fails after {@code timeout}. */
    void awaitDistinct(int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (byId.size() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("only " + byId.size() + " of " + n + " samples answered within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** Sample ids answered more than once. */
    List<String> duplicates() {
        List<String> d = new ArrayList<>();
        byId.forEach((k, v) -> {
            if (v.size() > 1) {
                d.add(k + "x" + v.size());
            }
        });
        return d;
    }

    /** Every answer of sample {@code id} so far (none: empty). */
    List<ResultMessage> all(String id) {
        return List.copyOf(byId.getOrDefault(id, List.of()));
    }

    ResultMessage only(String id) {
        List<ResultMessage> l = byId.get(id);
        if (l == null || l.size() != 1) {
            throw new AssertionError("sample " + id + " has " + (l == null ? 0 : l.size()) + " answers");
        }
        return l.get(0);
    }

    @Override
    public void close() {
        transport.close();
    }
}
