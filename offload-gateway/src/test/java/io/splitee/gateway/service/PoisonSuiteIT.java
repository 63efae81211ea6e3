package io.splitee.gateway.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.model.TestPackages;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.RawPublisher;
import io.splitee.mqtt.Transport;
import io.splitee.testenv.LogCapture;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.ResultMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No message stops a process: a real device daemon (offloading every sample after block 1) and a real gateway
 * (the default HiveMQ client) on a real Mosquitto get, on every topic either reads ({@code samples},
 * {@code features}, {@code replies} of the device), every frame of the decoder's corpus (split-core's
 * {@code wire/corpus}) and the malformed cases below, each with one of four property sets, a different one on
 * each topic: a Response Topic {@code splitee/+/replies} with a wrong content type and 43 garbage user
 * properties; a foreign Response Topic with 65,535 bytes of correlation data; {@code splitee/#} with a JSON
 * content type and the garbage; none. The attacker is {@link RawPublisher}, which builds what our clients
 * refuse to. The wildcard makes the gateway's HiveMQ client drop the connection, the correlation data kills
 * the device's Paho receiver thread: both transports discard the poisoned session and go on (the test asserts
 * the WARN naming each cause). After each topic's batch, once neither client is still recovering, both are
 * alive, the next valid sample gets exactly one result, and the gateway answers a valid offload on its
 * device's replies topic. Then a 60 MB message on each topic of a broker without {@code max_packet_size}: the
 * broker drops it for both (they announce a Maximum Packet Size) and the next sample is answered.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PoisonSuiteIT {
    private static final String DEVICE = "victim";
    private static final String PROBE = "prober"; // a device without a daemon: the gateway's own check
    private static final String[] TOPICS = {"samples", "features", "replies"};
    /** The transports' loggers, as the log names them. */
    private static final List<String> TRANSPORTS = List.of("HiveMqTransport", "PahoTransport",
            "io.splitee.mqtt.hivemq.HiveMqTransport", "io.splitee.mqtt.paho.PahoTransport");

    private final AtomicInteger seq = new AtomicInteger();

    @Test
    void everyCorpusFrameAndMalformedMessageOnEveryTopicLeavesBothServing(@TempDir Path state) throws Exception {
        Map<String, byte[]> cases = cases();
        assertTrue(cases.size() >= 60, "the corpus and the malformed cases: " + cases.size());
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN, LogCapture.Level.ERROR),
                TRANSPORTS);
             MosquittoBroker broker = MosquittoBroker.start();
             AnswerCollector answers = new AnswerCollector(broker.uri());
             Gateway gateway = Gateway.start(TestGateways.config("gw-poison", broker.uri(), Map.of()));
             DeviceDaemon device = DeviceDaemon.start(device(broker.uri(), state));
             Frames frames = new Frames(TestPackages.loadReal());
             RawPublisher attacker = new RawPublisher(broker.port(), "attacker");
             Transport camera = camera(broker.uri())) {
            assertServing(camera, answers, frames, device, "before any poison");
            int published = 0;
            int t = 0;
            List<RawPublisher.Properties> variants = hostile();
            for (String topic : TOPICS) {
                long start = System.nanoTime();
                int i = t++;
                for (Map.Entry<String, byte[]> c : cases.entrySet()) {
                    // each case with one of the property sets, a different one on each topic
                    attacker.publish("splitee/" + DEVICE + "/" + topic, c.getValue(), variants.get(i++ % variants.size()));
                    published++;
                }
                System.out.printf("poison: %d messages on %s in %.1f s%n", cases.size(), topic,
                        (System.nanoTime() - start) / 1e9);
                awaitQuiet(log);
                assertServing(camera, answers, frames, device, "after the poison on " + topic);
            }
            assertEquals(cases.size() * TOPICS.length, published);
            // (the poison itself may be answered more than once: many corpus frames share a sample id)
            assertEquals(0, log.count(LogCapture.Level.ERROR, ""), "no ERROR record:\n" + log);
            // The HiveMQ client of the gateway drops its connection on a Response Topic with a wildcard (a
            // malformed PUBLISH in MQTT 5); the transport discards the poisoned session and goes on.
            assertTrue(log.count(e -> e.contains("HiveMqTransport") && e.contains("could not decode a packet")
                    && e.contains("TOPIC_NAME_INVALID")) >= 1, "the gateway's client names the malformed packet:\n" + log);
            assertTrue(log.count(e -> e.contains("PahoTransport") && e.contains("could not decode a packet")
                    && e.contains("NegativeArraySizeException")) >= 1, "the device's client names it:\n" + log);
        }
    }

    @Test
    void aSixtyMegabyteMessageOnABrokerWithoutAPacketLimitIsDroppedByTheBroker(@TempDir Path state)
            throws Exception {
        byte[] huge = new byte[60 * 1024 * 1024];
        new Random(60).nextBytes(huge);
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN, LogCapture.Level.ERROR),
                TRANSPORTS);
             MosquittoBroker broker = MosquittoBroker.start();
             AnswerCollector answers = new AnswerCollector(broker.uri());
             Gateway gateway = Gateway.start(TestGateways.config("gw-huge", broker.uri(), Map.of()));
             DeviceDaemon device = DeviceDaemon.start(device(broker.uri(), state));
             Frames frames = new Frames(TestPackages.loadReal());
             RawPublisher attacker = new RawPublisher(broker.port(), "attacker-huge");
             Transport camera = camera(broker.uri())) {
            assertTrue(broker.log().lines().noneMatch(l -> l.startsWith("max_packet_size")), "no packet limit");
            for (String topic : TOPICS) {
                attacker.publish("splitee/" + DEVICE + "/" + topic, huge, new RawPublisher.Properties(null, null,
                        null, null));
                assertServing(camera, answers, frames, device, "after 60 MB on " + topic);
            }
            assertEquals(0, log.count(LogCapture.Level.ERROR, ""), "no ERROR record:\n" + log);
        }
    }

    /**
     * Waits until neither client has discarded a poisoned session for 2 s: a message published while one
     * reconnects is lost with the discarded session (docs/security.md), so the check waits for the recovery.
     */
    private static void awaitQuiet(LogCapture log) throws InterruptedException {
        long seen = -1;
        long since = System.nanoTime();
        long end = since + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            long n = log.count(LogCapture.Level.WARN, "could not decode a packet");
            if (n != seen) {
                seen = n;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(2)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the clients kept discarding sessions for 60 s:\n" + log);
    }

    private static io.splitee.device.config.DeviceConfig device(String broker, Path state) throws Exception {
        return EndToEndIT.device(DEVICE, broker, state, Map.of("policy", "fixed:1", "policy.threshold", "1.0",
                "offload.deadline", "3s"));
    }

    /**
     * Both alive; the next valid sample gets exactly one result; the gateway answers a valid offload of another
     * device once (a few tries: one sent while the gateway discards a poisoned session is lost with it).
     */
    private void assertServing(Transport camera, AnswerCollector answers, Frames frames, DeviceDaemon device,
                               String when) throws Exception {
        assertTrue(device.failure().isEmpty(), when + ": the device failed: " + device.failure());
        int n = seq.incrementAndGet();
        String id = DEVICE + "-valid-" + n;
        camera.publish(Outgoing.builder("splitee/" + DEVICE + "/samples",
                        frames.frame(n % 100, 0, Encoding.FP32, Compression.NONE, id))
                .qos(1).contentType(Frame.CONTENT_TYPE).build()).get(10, TimeUnit.SECONDS);
        answers.awaitAll(List.of(AnswerCollector.key("results", DEVICE, id)), Duration.ofSeconds(20));
        Thread.sleep(300); // room for a second answer
        List<AnswerCollector.Answer> r = answers.results(DEVICE, id);
        assertEquals(1, r.size(), when + ": one result for " + id + ": " + r);
        assertEquals(ResultMessage.Status.OK, r.get(0).message().status(), when + ": " + r.get(0).message());
        boolean answered = false;
        for (int attempt = 0; attempt < 5 && !answered; attempt++) {
            String probe = PROBE + "-" + n + "-" + attempt;
            camera.publish(Frames.offload(PROBE, frames.frame(n % 100, 1, Encoding.FP32, Compression.NONE, probe),
                    probe)).get(10, TimeUnit.SECONDS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < end && answers.replies(PROBE, probe).isEmpty()) {
                Thread.sleep(20);
            }
            answered = !answers.replies(PROBE, probe).isEmpty();
        }
        assertTrue(answered, when + ": the gateway answers a valid offload");
        assertTrue(device.failure().isEmpty(), when + ": the device failed: " + device.failure());
    }

    private static Transport camera(String broker) throws Exception {
        Transport t = Transport.mqtt(MqttSettings.builder("camera-" + System.nanoTime(), broker).cleanStart(true)
                .sessionExpiry(Duration.ZERO).build());
        t.start();
        return t;
    }

    /** The four property sets each case is published with. */
    private static List<RawPublisher.Properties> hostile() {
        byte[] corr = new byte[65_535];
        new Random(65).nextBytes(corr);
        List<Map.Entry<String, String>> garbage = new ArrayList<>();
        garbage.add(Map.entry("", ""));
        garbage.add(Map.entry("splitee-reply-mac", "not a tag"));
        garbage.add(Map.entry("\u2603".repeat(100), "x".repeat(4000)));
        for (int i = 0; i < 40; i++) {
            garbage.add(Map.entry("k" + i, "\uD83D\uDCA5" + i));
        }
        return List.of(
                new RawPublisher.Properties("text/html; charset=ebcdic", "splitee/+/replies", "x".getBytes(UTF_8),
                        garbage),
                new RawPublisher.Properties(null, "splitee/other/results", corr, null),
                new RawPublisher.Properties("application/json", "splitee/#", null, garbage),
                new RawPublisher.Properties(null, null, null, null));
    }

    /** Every frame of the decoder's corpus, then malformed messages that are not frames. */
    private static Map<String, byte[]> cases() throws Exception {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        try (InputStream index = PoisonSuiteIT.class.getResourceAsStream("/wire/corpus/index.txt")) {
            assertTrue(index != null, "split-core's test resources (wire/corpus) on the class path");
            BufferedReader r = new BufferedReader(new InputStreamReader(index, UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String file = line.split("\\s+")[0];
                try (InputStream in = PoisonSuiteIT.class.getResourceAsStream("/wire/corpus/" + file)) {
                    assertTrue(in != null, "corpus file " + file);
                    cases.put(file, in.readAllBytes());
                }
            }
        }
        Random random = new Random(19);
        byte[] noise = new byte[100_000];
        random.nextBytes(noise);
        cases.put("empty", new byte[0]);
        cases.put("one byte", new byte[] {0x53});
        cases.put("100 KB of noise", noise);
        cases.put("JSON", "{\"sample_id\":\"x\",\"status\":\"ok\"}".getBytes(UTF_8));
        cases.put("a result of another device", ("{\"sample_id\":\"victim-valid-1\",\"device\":\"other\","
                + "\"model_id\":\"m\",\"status\":\"ok\"}").getBytes(UTF_8));
        cases.put("not UTF-8", new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc0, 0x00});
        return cases;
    }
}
