package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.model.ModelPackage;
import io.splitee.model.TestPackages;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gateways in-process against a real Mosquitto on loopback and the real model; devices are played by
 * publishers of real frames computed with a local runner.
 */
class GatewayIT {
    static ModelPackage pkg;
    static Frames frames;
    MosquittoBroker broker;
    AnswerCollector answers;
    final List<Transport> clients = new ArrayList<>();

    @BeforeAll
    static void loadModel() throws Exception {
        pkg = TestPackages.loadReal();
        frames = new Frames(pkg);
    }

    @AfterAll
    static void closeModel() {
        frames.close();
    }

    @BeforeEach
    void startBroker() throws Exception {
        broker = MosquittoBroker.start();
        answers = new AnswerCollector(broker.uri());
    }

    @AfterEach
    void stopBroker() {
        clients.forEach(Transport::close);
        answers.close();
        broker.close();
    }

    Transport device(String name) throws Exception {
        Transport t = Transport.mqtt(MqttSettings.builder("device-" + name + "-" + System.nanoTime(), broker.uri())
                .cleanStart(true).sessionExpiry(Duration.ZERO).maxInFlight(16).build());
        t.start();
        clients.add(t);
        return t;
    }

    /** One frame a test device sends, with what the model computes from it. */
    record Sent(String device, String id, byte[] wire, Frames.Expected expected, int block, Encoding enc,
                Compression comp) {
    }

    /** On either MQTT client (mqtt.client): the gateway jar carries both. */
    @ParameterizedTest(name = "mqtt.client={0}")
    @ValueSource(strings = {"paho", "hivemq"})
    void threeDevicesTwoGatewaysEveryFrameAnsweredOnceAsTheModelComputes(String client) throws Exception {
        int depth = pkg.depth();
        // Each device splits at its own blocks and encodes its own way; d3 also sends raw samples.
        Map<String, int[]> blocks = Map.of("d1", new int[] {3, 4}, "d2", new int[] {depth / 2, depth - 1},
                "d3", new int[] {0, depth});
        Map<String, Encoding> encodings = Map.of("d1", Encoding.FP32, "d2", Encoding.FP16, "d3", Encoding.FP32);
        Map<String, Compression> compressions = Map.of("d1", Compression.NONE, "d2", Compression.DEFLATE,
                "d3", Compression.NONE);
        int perDevice = 40;
        List<Sent> sent = new ArrayList<>();
        for (String d : List.of("d1", "d2", "d3")) {
            for (int i = 0; i < perDevice; i++) {
                int block = blocks.get(d)[i % 2];
                Encoding enc = i % 5 == 4 && d.equals("d1") ? Encoding.INT8_PER_CHANNEL : encodings.get(d);
                byte[] wire = frames.frame(i, block, enc, compressions.get(d), d + "-s" + i);
                sent.add(new Sent(d, d + "-s" + i, wire, frames.expected(wire), block, enc, compressions.get(d)));
            }
        }
        Map<String, String> cfg = Map.of("batch.max-size", "8", "batch.max-wait", "2ms", "mqtt.client", client);
        try (Gateway g1 = Gateway.start(TestGateways.config("g1", broker.uri(), cfg));
             Gateway g2 = Gateway.start(TestGateways.config("g2", broker.uri(), cfg))) {
            Map<String, Transport> devices = new HashMap<>();
            for (String d : List.of("d1", "d2", "d3")) {
                devices.put(d, device(d));
            }
            List<CompletableFuture<Void>> published = new ArrayList<>();
            for (int i = 0; i < perDevice; i++) { // interleaved, as three devices would
                for (String d : List.of("d1", "d2", "d3")) {
                    Sent s = sent.get(List.of("d1", "d2", "d3").indexOf(d) * perDevice + i);
                    published.add(devices.get(d).publish(Frames.offload(d, s.wire(), s.id())));
                }
            }
            CompletableFuture.allOf(published.toArray(new CompletableFuture<?>[0])).get();
            List<String> keys = sent.stream().map(s -> AnswerCollector.key("replies", s.device(), s.id())).toList();
            answers.awaitAll(keys, Duration.ofSeconds(60));
            Thread.sleep(500); // a duplicate would arrive now
            assertEquals(List.of(), answers.duplicates(), "every frame answered exactly once");
            assertEquals(List.of(), answers.unreadable);
            for (Sent s : sent) {
                AnswerCollector.Answer a = answers.replies(s.device(), s.id()).get(0);
                ResultMessage r = a.message();
                String what = s.id() + " (block " + s.block() + ", " + s.enc() + ")";
                assertEquals(ResultMessage.Status.OK, r.status(), what + ": " + r);
                assertEquals(s.id(), a.correlation(), "correlation data echoed");
                assertEquals(s.device(), r.device());
                assertEquals(pkg.manifest().id(), r.modelId());
                assertEquals(ResultMessage.Location.GATEWAY, r.computedAt());
                assertEquals(s.block(), r.splitBlock(), what + ": split block is the frame's device exit block");
                assertEquals(s.enc(), r.encoding());
                assertEquals(s.comp(), r.compression());
                assertEquals(depth, r.prediction().exit(), "answered at the final exit");
                assertEquals(pkg.labels().get(r.prediction().classIndex()), r.prediction().label());
                assertEquals(r.prediction().confidence(), r.finalExitConfidence(), 0.0);
                assertNotNull(r.timings().gatewayCompute(), "gateway_compute reported");
                assertNull(r.timings().link());
                Frames.assertSame(s.expected(), r, what);
            }
            double f1 = g1.metrics().registry().counter("splitee.gateway.frames").count();
            double f2 = g2.metrics().registry().counter("splitee.gateway.frames").count();
            assertEquals(sent.size(), f1 + f2, 0.0, "the shared subscription gave each frame to one gateway");
            assertTrue(f1 > 0 && f2 > 0, "both gateways took work: " + f1 + " and " + f2);
            double batches = g1.metrics().registry().counter("splitee.gateway.batches").count()
                    + g2.metrics().registry().counter("splitee.gateway.batches").count();
            assertTrue(batches < sent.size(), "frames were batched: " + batches + " ONNX Runtime batch calls for "
                    + sent.size() + " frames");
        }
    }

    @Test
    void badFramesGetErrorAnswersWithTheirCodesAndTwoVersionsAreServedSideBySide(@TempDir Path tmp)
            throws Exception {
        Path v2 = TestPackages.copyReal(tmp.resolve("v2"));
        TestPackages.editManifest(v2, m -> m.put("version", "9.9.9-test"));
        ModelPackage pkg2 = ModelPackage.load(v2);
        ManifestHash hash2 = new ManifestHash(pkg2.manifestSha256Bytes());
        assertTrue(!hash2.equals(frames.hash), "the altered copy is another manifest");
        String id = pkg.manifest().id();
        try (Gateway g = Gateway.start(TestGateways.config("errors", broker.uri(), Map.of(), TestGateways.model(),
                v2))) {
            Transport dev = device("e1");
            byte[] good = frames.frame(0, 5, Encoding.FP32, Compression.NONE, "good-v1");
            float[] f5 = frames.features(0, 5);
            byte[] goodV2 = frames.encode(Frame.features(id, hash2, 5, frames.tensors.get(5), "good-v2",
                    Instant.now(), FloatBuffer.wrap(f5)));
            byte[] unknownModel = frames.encode(Frame.features("no-such-model", frames.hash, 5,
                    frames.tensors.get(5), "unknown-model", Instant.now(), FloatBuffer.wrap(f5)));
            byte[] wrongHash = frames.encode(Frame.features(id, ManifestHash.of("another manifest".getBytes(
                    StandardCharsets.UTF_8)), 5, frames.tensors.get(5), "wrong-hash", Instant.now(),
                    FloatBuffer.wrap(f5)));
            int[] s5 = frames.tensors.get(5).shape();
            TensorSpec halved = TensorSpec.float32(s5[0], s5[1] / 2, s5[2] / 2);
            byte[] wrongShape = frames.encode(Frame.features(id, frames.hash, 5, halved, "wrong-shape", Instant.now(),
                    FloatBuffer.wrap(new float[halved.elementCount()])));
            byte[] badBlock = frames.encode(Frame.features(id, frames.hash, pkg.depth() + 1,
                    frames.tensors.get(pkg.depth()), "bad-block", Instant.now(),
                    FloatBuffer.wrap(new float[frames.tensors.get(pkg.depth()).elementCount()])));
            byte[] garbage = new byte[300];
            new Random(3).nextBytes(garbage);
            byte[] whole = frames.frame(2, 5, Encoding.FP32, Compression.NONE, "truncated");
            byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
            byte[] noReplyTopic = frames.frame(1, 5, Encoding.FP16, Compression.NONE, "no-reply-topic");

            List<CompletableFuture<Void>> p = new ArrayList<>();
            p.add(dev.publish(Frames.offload("e1", unknownModel, "unknown-model")));
            p.add(dev.publish(Frames.offload("e1", wrongHash, "wrong-hash")));
            p.add(dev.publish(Frames.offload("e1", wrongShape, "wrong-shape")));
            p.add(dev.publish(Frames.offload("e1", badBlock, "bad-block")));
            p.add(dev.publish(Frames.offload("e1", garbage, "garbage")));
            p.add(dev.publish(Frames.offload("e1", truncated, "truncated")));
            p.add(dev.publish(Outgoing.builder("splitee/e1/features", noReplyTopic).qos(1).build()));
            // a frame from e1 that names another device's topic: refused, answered on e1's own (issue 19)
            p.add(dev.publish(Outgoing.builder("splitee/e1/features",
                    frames.frame(1, 5, Encoding.FP16, Compression.NONE, "foreign-topic")).qos(1)
                    .responseTopic("splitee/other/replies").correlationData("foreign-topic".getBytes(
                            java.nio.charset.StandardCharsets.UTF_8)).build()));
            // no sample id in the frame and no correlation data: nothing the device could match; counted only
            p.add(dev.publish(Outgoing.builder("splitee/e1/features", garbage).qos(1)
                    .responseTopic("splitee/e1/replies").build()));
            p.add(dev.publish(Frames.offload("e1", good, "good-v1")));
            p.add(dev.publish(Frames.offload("e1", goodV2, "good-v2")));
            CompletableFuture.allOf(p.toArray(new CompletableFuture<?>[0])).get();
            answers.awaitAll(List.of("replies/e1/unknown-model", "replies/e1/wrong-hash", "replies/e1/wrong-shape",
                    "replies/e1/bad-block", "replies/e1/garbage", "replies/e1/truncated", "replies/e1/no-reply-topic",
                    "replies/e1/foreign-topic", "replies/e1/good-v1", "replies/e1/good-v2"), Duration.ofSeconds(30));

            assertError("unknown-model", "UNKNOWN_MODEL", "model_id");
            assertError("wrong-hash", "HASH_MISMATCH", "manifest_sha256");
            assertError("wrong-shape", "SHAPE_MISMATCH", "shape");
            assertError("bad-block", "BAD_BLOCK", "block");
            assertError("garbage", "BAD_MAGIC", "magic");
            assertError("truncated", "TRUNCATED", "payload");
            assertEquals("no-such-model", answers.replies("e1", "unknown-model").get(0).message().modelId(),
                    "an error answer names the frame's model once it could be read");
            assertEquals(id, answers.replies("e1", "wrong-hash").get(0).message().modelId());
            assertEquals("unknown", answers.replies("e1", "garbage").get(0).message().modelId(),
                    "garbage names no model");

            ResultMessage v1 = answers.replies("e1", "good-v1").get(0).message();
            ResultMessage v2r = answers.replies("e1", "good-v2").get(0).message();
            assertEquals(ResultMessage.Status.OK, v1.status(), v1.toString());
            assertEquals(ResultMessage.Status.OK, v2r.status(), "the second version is served too: " + v2r);
            Frames.assertSame(frames.expected(good), v1, "version 1");
            Frames.assertSame(frames.expected(good), v2r, "version 2 (same weights)");
            ResultMessage onReplies = answers.replies("e1", "no-reply-topic").get(0).message();
            assertEquals(ResultMessage.Status.OK, onReplies.status(), "no response topic: answered on replies");
            Frames.assertSame(frames.expected(noReplyTopic), onReplies, "no-reply-topic");
            assertEquals("no-reply-topic", answers.replies("e1", "no-reply-topic").get(0).correlation(),
                    "without correlation data the sample id is used");
            assertError("foreign-topic", "BAD_RESPONSE_TOPIC", "splitee/e1/replies");
            assertEquals(List.of(), answers.results("e1", "no-reply-topic"), "the gateway never writes results");
            assertEquals(List.of(), answers.replies("other", "foreign-topic"), "nor where a frame says");

            var registry = g.metrics().registry();
            for (String code : List.of("UNKNOWN_MODEL", "HASH_MISMATCH", "SHAPE_MISMATCH", "BAD_BLOCK", "TRUNCATED")) {
                assertEquals(1.0, registry.counter("splitee.gateway.errors", "code", code).count(), code + " counted");
            }
            assertEquals(2.0, registry.counter("splitee.gateway.errors", "code", "BAD_MAGIC").count(),
                    "both garbage frames counted");
            assertEquals(1.0, registry.counter("splitee.gateway.unanswered").count(),
                    "the one without any id is counted as unanswered");
            assertEquals(1.0, registry.counter("splitee.gateway.errors", "code", "BAD_RESPONSE_TOPIC").count());
            assertEquals(7.0, registry.counter("splitee.gateway.answers", "status", "error").count(),
                    "six bad frames and the foreign response topic");
            assertTrue(g.metrics().scrape().contains("splitee_gateway_errors_total{code=\"UNKNOWN_MODEL\"} 1.0"),
                    "errors by code on /metrics");
        }
    }

    private void assertError(String sampleId, String code, String field) {
        List<AnswerCollector.Answer> l = answers.replies("e1", sampleId);
        assertEquals(1, l.size(), sampleId + " answered once");
        ResultMessage r = l.get(0).message();
        assertEquals(ResultMessage.Status.ERROR, r.status(), r.toString());
        assertEquals(ResultMessage.Location.GATEWAY, r.computedAt());
        assertEquals(code, r.error().code(), r.error().message());
        assertTrue(r.error().message().contains(field), "the message names the field " + field + ": "
                + r.error().message());
        assertNull(r.prediction());
    }

    @Test
    void aFullQueueIsAnsweredOverloadedAtOnceNothingSilent() throws Exception {
        int n = 150;
        byte[][] wire = new byte[n][];
        for (int i = 0; i < n; i++) {
            wire[i] = frames.frame(i, 0, Encoding.FP32, Compression.NONE, "b-" + i);
        }
        try (Gateway g = Gateway.start(TestGateways.config("small", broker.uri(), Map.of("queue.size", "2",
                "batch.max-size", "1")))) {
            Transport dev = device("o1");
            List<CompletableFuture<Void>> p = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                p.add(dev.publish(Frames.offload("o1", wire[i], "b-" + i)));
            }
            CompletableFuture.allOf(p.toArray(new CompletableFuture<?>[0])).get();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                keys.add(AnswerCollector.key("replies", "o1", "b-" + i));
            }
            answers.awaitAll(keys, Duration.ofSeconds(60));
            Thread.sleep(300);
            assertEquals(List.of(), answers.duplicates());
            int overloaded = 0;
            int ok = 0;
            for (int i = 0; i < n; i++) {
                ResultMessage r = answers.replies("o1", "b-" + i).get(0).message();
                if (r.status() == ResultMessage.Status.OVERLOADED) {
                    overloaded++;
                    assertEquals("OVERLOADED", r.error().code());
                    assertEquals(0, r.splitBlock());
                    assertEquals(Encoding.FP32, r.encoding());
                } else {
                    assertEquals(ResultMessage.Status.OK, r.status(), r.toString());
                    ok++;
                }
            }
            assertTrue(overloaded > 0, "a queue of 2 overflowed");
            assertTrue(ok >= 3, "and still served: " + ok);
            assertEquals(overloaded, g.metrics().registry().counter("splitee.gateway.overloaded").count(), 0.0);
        }
    }

    /** On either MQTT client: the HiveMQ client acknowledges in order, so a stop must leave nothing blocked. */
    @ParameterizedTest(name = "mqtt.client={0}")
    @ValueSource(strings = {"paho", "hivemq"})
    void gracefulCloseAnswersWhatIsQueuedAndTheRestartedInstanceTheRest(String client) throws Exception {
        int n = 120;
        List<String> keys = new ArrayList<>();
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            wire.add(frames.frame(i, 2, Encoding.FP16, Compression.NONE, "r-" + i));
            keys.add(AnswerCollector.key("replies", "r1", "r-" + i));
        }
        var cfg = TestGateways.config("restart-" + client, broker.uri(), Map.of("batch.max-size", "4",
                "mqtt.client", client));
        Gateway first = Gateway.start(cfg);
        Transport dev = device("r1");
        // The device keeps sending while the first instance stops: what it no longer takes waits in its
        // session for the restarted one.
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    dev.publish(Frames.offload("r1", wire.get(i), "r-" + i)).get();
                    Thread.sleep(4);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long wait = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (answers.byKey.size() < 5 && System.nanoTime() < wait) {
            Thread.sleep(5);
        }
        first.close(); // mid-stream: what it queued is answered, what it had not taken stays with the broker
        long closedAt = System.nanoTime();
        int answeredByFirst = answers.byKey.size();
        try (Gateway second = Gateway.start(cfg)) {
            sending.get(60, java.util.concurrent.TimeUnit.SECONDS);
            answers.awaitAll(keys, Duration.ofSeconds(60));
            Thread.sleep(500);
            double bySecond = second.metrics().registry().counter("splitee.gateway.answers", "status", "ok").count();
            assertTrue(answeredByFirst >= 5, "the first instance answered before stopping: " + answeredByFirst);
            assertTrue(bySecond > 0 && answeredByFirst < n, "the restarted instance got the frames the first one "
                    + "left (session resumed): " + bySecond);
            StringBuilder diag = new StringBuilder();
            answers.byKey.forEach((k, v) -> {
                if (v.size() > 1) {
                    diag.append(k).append(": ");
                    v.forEach(a -> diag.append((a.arrivedNanos() - closedAt) / 1000_000).append("ms "));
                }
            });
            assertEquals(List.of(), answers.duplicates(), "a graceful stop answers nothing twice " + diag);
            for (String k : keys) {
                assertEquals(ResultMessage.Status.OK, answers.byKey.get(k).get(0).message().status());
            }
        }
    }
}
