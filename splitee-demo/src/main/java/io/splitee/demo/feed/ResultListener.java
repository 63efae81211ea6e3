package io.splitee.demo.feed;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.ResultParseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Subscribes to one device's results topic like any application would, and keeps the first answer
 * for every sample id plus every message as it arrived (for a {@code results.jsonl}). Answers are
 * handed over on the MQTT callback thread, so the work there is a parse and a map insert.
 */
public final class ResultListener implements AutoCloseable {

    /**
     * One answer as received.
     *
     * @param message  the parsed result
     * @param json     its JSON text, as published
     * @param received when it arrived, {@link System#nanoTime()}
     */
    public record Received(ResultMessage message, String json, long received) {
    }

    private final Transport transport;
    private final Map<String, Received> first = new ConcurrentHashMap<>();
    private final List<Received> inOrder = new ArrayList<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger unreadable = new AtomicInteger();

    private ResultListener(Transport transport) {
        this.transport = transport;
    }

    /**
     * Connects and subscribes to {@code splitee/<device>/results}.
     *
     * @throws TransportException when the broker cannot be reached or refuses the subscription
     */
    public static ResultListener start(String brokerUri, String device) throws TransportException {
        Transport t = Transport.mqtt(MqttSettings.builder("splitee-demo-results-" + ProcessHandle.current().pid()
                        + "-" + Long.toHexString(System.nanoTime()), brokerUri)
                .cleanStart(true).sessionExpiry(Duration.ZERO).connectTimeout(Duration.ofSeconds(5)).build());
        ResultListener l = new ResultListener(t);
        try {
            t.subscribe("splitee/" + device + "/results", 1, m -> {
                try {
                    l.take(m.payload());
                } finally {
                    t.ack(m);
                }
            });
            t.start();
        } catch (TransportException | RuntimeException e) {
            t.close();
            throw e;
        }
        return l;
    }

    private void take(byte[] payload) {
        ResultMessage r;
        try {
            r = ResultCodec.parse(payload);
        } catch (ResultParseException e) {
            unreadable.incrementAndGet();
            return;
        }
        Received rec = new Received(r, new String(payload, StandardCharsets.UTF_8), System.nanoTime());
        if (first.putIfAbsent(r.sampleId(), rec) != null) {
            duplicates.incrementAndGet();
        }
        synchronized (inOrder) {
            inOrder.add(rec);
        }
    }

    /** The first answer for a sample id, or null. */
    public Received answer(String sampleId) {
        return first.get(sampleId);
    }

    /** Every message received, in arrival order (a copy). */
    public List<Received> all() {
        synchronized (inOrder) {
            return new ArrayList<>(inOrder);
        }
    }

    /** Distinct sample ids answered. */
    public int distinct() {
        return first.size();
    }

    /** Answers for a sample id already answered. */
    public int duplicates() {
        return duplicates.get();
    }

    /** Messages on the results topic that were not valid result JSON. */
    public int unreadable() {
        return unreadable.get();
    }

    /** Disconnects. Idempotent. */
    @Override
    public void close() {
        transport.close();
    }
}
