package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.config.DeviceConfig;
import io.splitee.engine.PolicyState;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.SegmentRunner;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device daemon against a real Mosquitto on a loopback port, the real shipped model, and a small
 * responder that completes offloads with the real runner.
 */
class DeviceDaemonIT {
    static final Path MODEL = Path.of(System.getProperty("splitee.model.dir", "../models/fmnist-resnet12"));
    static ModelPackage pkg;
    static int[][] tracePred; // [sample][exit-1]
    static int[] labels;

    MosquittoBroker broker;
    Transport publisher;
    FrameEncoder encoder = new FrameEncoder();
    @TempDir
    Path stateDir;

    @BeforeAll
    static void loadModel() throws Exception {
        pkg = ModelPackage.load(MODEL);
        int depth = pkg.depth();
        tracePred = new int[1000][depth];
        labels = new int[1000];
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(pkg.trace("clean"))), StandardCharsets.UTF_8))) {
            String[] header = r.readLine().split(",");
            Map<String, Integer> col = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                col.put(header[i].trim(), i);
            }
            for (int s = 0; s < 1000; s++) {
                String[] v = r.readLine().split(",");
                for (int e = 1; e <= depth; e++) {
                    tracePred[s][e - 1] = Integer.parseInt(v[col.get("pred_" + e)].trim());
                }
                labels[s] = Integer.parseInt(v[col.get("label")].trim());
            }
        }
    }

    @AfterAll
    static void done() {
        pkg = null;
    }

    @BeforeEach
    void startBroker() throws Exception {
        broker = MosquittoBroker.start();
        publisher = Transport.mqtt(MqttSettings.builder("publisher-" + System.nanoTime(), broker.uri())
                .cleanStart(true).sessionExpiry(Duration.ZERO).maxInFlight(16).build());
        publisher.start();
    }

    @AfterEach
    void stopBroker() {
        publisher.close();
        encoder.close();
        broker.close();
    }

    DeviceConfig config(String device, Map<String, String> extra) throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("device.id", device);
        o.put("mqtt.uri", broker.uri());
        o.put("model.dir", MODEL.toString());
        o.put("state.dir", stateDir.toString());
        o.put("runtime.intra-op-threads", "1");
        o.put("offload.encoding", "fp32");
        o.put("offload.deadline", "2s");
        o.put("mqtt.reconnect-min", "100ms");
        o.put("mqtt.reconnect-max", "1s");
        o.put("queue.size", "2000");
        o.putAll(extra);
        return DeviceConfig.load(null, Map.of(), o);
    }

    byte[] sampleFrame(int i, String id) {
        float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
        Frame f = Frame.sample(pkg.manifest().id(), new ManifestHash(pkg.manifestSha256Bytes()), 0,
                pkg.manifest().input().tensor().spec(), id, Instant.now(), FloatBuffer.wrap(x));
        return encoder.encode(f);
    }

    void publishSample(String device, int i, String id) throws Exception {
        publisher.publish(Outgoing.builder("splitee/" + device + "/samples", sampleFrame(i, id)).qos(1)
                .contentType(Frame.CONTENT_TYPE).build()).get();
    }

    static int index(String id) {
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
    }

    @Test
    void thousandSamplesEachAnsweredOnceWithTheModelsAccuracy() throws Exception {
        try (TestResponder responder = new TestResponder(pkg, broker.uri(), "responder-1");
             ResultCollector results = new ResultCollector(broker.uri(), "d1");
             DeviceDaemon daemon = DeviceDaemon.start(config("d1", Map.of("policy", "splitee",
                     "policy.threshold", "0.9", "cost.mode", "paper", "cost.lambda", "0.01",
                     "cost.offload", "0.1")))) {
            for (int i = 0; i < 1000; i++) {
                publishSample("d1", i, "s-" + i);
            }
            results.awaitDistinct(1000, Duration.ofSeconds(120));
            Thread.sleep(300); // any duplicate would arrive now
            assertEquals(List.of(), results.duplicates(), "every sample is answered exactly once");
            int correct = 0;
            int expectedCorrect = 0;
            int agree = 0;
            int offloaded = 0;
            for (int i = 0; i < 1000; i++) {
                ResultMessage r = results.only("s-" + i);
                assertEquals(ResultMessage.Status.OK, r.status(), r.toString());
                int exit = r.prediction().exit();
                int expected = tracePred[i][exit - 1];
                agree += r.prediction().classIndex() == expected ? 1 : 0;
                correct += r.prediction().classIndex() == labels[i] ? 1 : 0;
                expectedCorrect += expected == labels[i] ? 1 : 0;
                offloaded += r.computedAt() == ResultMessage.Location.GATEWAY ? 1 : 0;
            }
            assertTrue(agree >= 995, "the answers are the model's own predictions at the exit that answered: " + agree);
            assertTrue(Math.abs(correct - expectedCorrect) <= 2,
                    "accuracy " + correct + "/1000 matches the model's " + expectedCorrect + "/1000");
            assertTrue(offloaded > 0, "SplitEE explored offloading arms");
            assertEquals(offloaded, responder.answered.get(), "every offload was answered by the gateway");
        }
    }

    @Test
    void offloadedFeaturesAreExactlyWhatTheDeviceComputed() throws Exception {
        try (TestResponder responder = new TestResponder(pkg, broker.uri(), "responder-2");
             ResultCollector results = new ResultCollector(broker.uri(), "d2");
             DeviceDaemon daemon = DeviceDaemon.start(config("d2", Map.of("policy", "fixed:3",
                     "policy.threshold", "1.0", "cost.mode", "paper", "offload.payload", "features")));
             SegmentRunner local = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(1)
                     .withFused(false))) {
            // One at a time: a burst would queue at the (single-threaded) test responder, and on a loaded machine
            // the oldest offload could look overdue, so that the device rightly finishes later ones itself.
            for (int i = 0; i < 20; i++) {
                publishSample("d2", i, "f-" + i);
                results.awaitDistinct(i + 1, Duration.ofSeconds(60));
            }
            for (int i = 0; i < 20; i++) {
                String id = "f-" + i;
                assertEquals(ResultMessage.Location.GATEWAY, results.only(id).computedAt());
                assertEquals(3, responder.receivedBlock.get(id));
                float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
                FloatBuffer out = FloatBuffer.allocate(local.activationSize(3));
                local.runBlocks(1, 3, FloatBuffer.wrap(x), out);
                assertArrayEquals(out.array(), responder.received.get(id), 0f, "features of " + id);
            }
        }
    }

    @Test
    void rawSampleArmSendsTheSampleAndComputesNothing() throws Exception {
        // SplitEE plays every arm once first: the engine's arm 1 is the live arm 0 (the raw sample).
        try (TestResponder responder = new TestResponder(pkg, broker.uri(), "responder-7");
             ResultCollector results = new ResultCollector(broker.uri(), "d7");
             DeviceDaemon daemon = DeviceDaemon.start(config("d7", Map.of("policy", "splitee",
                     "policy.raw-sample-arm", "true", "cost.mode", "measured")))) {
            publishSample("d7", 0, "raw-0");
            results.awaitDistinct(1, Duration.ofSeconds(30));
            ResultMessage r = results.only("raw-0");
            assertEquals(ResultMessage.Location.GATEWAY, r.computedAt(), r.toString());
            assertEquals(0, r.splitBlock(), "nothing was computed on the device");
            assertEquals(0, responder.receivedBlock.get("raw-0"), "the gateway got the raw sample");
            assertEquals(tracePred[0][pkg.depth() - 1], r.prediction().classIndex());
            assertEquals(1.0, daemon.metrics().registry().counter("splitee.device.arm.plays", "arm", "0").count());
        }
    }

    @Test
    void gatewayOutageIsAbsorbedAndOffloadingResumes() throws Exception {
        Map<String, String> cfg = Map.of("policy", "fixed:2", "policy.threshold", "1.0", "cost.mode", "paper",
                "offload.deadline", "300ms", "offload.probe-interval", "400ms", "offload.payload", "features");
        try (ResultCollector results = new ResultCollector(broker.uri(), "d3");
             DeviceDaemon daemon = DeviceDaemon.start(config("d3", cfg))) {
            TestResponder responder = new TestResponder(pkg, broker.uri(), "responder-3");
            for (int i = 0; i < 30; i++) {
                publishSample("d3", i, "o-" + i);
            }
            results.awaitDistinct(30, Duration.ofSeconds(60));
            responder.close(); // the gateway goes away mid-stream
            long outageStart = System.nanoTime();
            for (int i = 30; i < 90; i++) {
                publishSample("d3", i, "o-" + i);
                Thread.sleep(20);
            }
            results.awaitDistinct(90, Duration.ofSeconds(60));
            long deviceAnswers = 0;
            int firstLocal = -1;
            for (int i = 30; i < 90; i++) {
                ResultMessage r = results.only("o-" + i);
                assertEquals(ResultMessage.Status.OK, r.status(), "finished on the device, not lost: " + r);
                if (r.computedAt() == ResultMessage.Location.DEVICE) {
                    deviceAnswers++;
                    firstLocal = firstLocal < 0 ? i : firstLocal;
                }
            }
            assertTrue(deviceAnswers >= 55, "after a few misses everything is answered on the device: "
                    + deviceAnswers + " of 60");
            double missesMetric = daemon.metrics().registry().counter("splitee.device.deadline.misses").count();
            // New offloads pause once the oldest unanswered one is overdue: after 4 smoothed round trips, at most
            // half the deadline (150 ms), i.e. at most 150 / 20 = 7 samples sent into the outage (fewer on a quiet
            // machine, where the round trip is short), one more in flight; then one probe per probe interval
            // misses for as long as the outage lasts. Without the breaker all 60 would miss.
            long probes = Duration.ofNanos(System.nanoTime() - outageStart).toMillis() / 400 + 1;
            long suspectWindow = 150 / 20;
            assertTrue(missesMetric <= suspectWindow + 1 + probes, "offloading stops within a few "
                    + "samples, not after each times out: " + missesMetric + " deadline misses, " + probes
                    + " probe intervals");
            // The gateway comes back: probes notice, offloading resumes by itself.
            try (TestResponder back = new TestResponder(pkg, broker.uri(), "responder-3b")) {
                Thread.sleep(1500);
                for (int i = 90; i < 130; i++) {
                    publishSample("d3", i, "o-" + i);
                    Thread.sleep(20);
                }
                results.awaitDistinct(130, Duration.ofSeconds(60));
                long gateway = 0;
                for (int i = 90; i < 130; i++) {
                    gateway += results.only("o-" + i).computedAt() == ResultMessage.Location.GATEWAY ? 1 : 0;
                }
                assertTrue(gateway >= 30, "offloading resumed: " + gateway + " of 40 answered by the gateway");
            }
            assertEquals(List.of(), results.duplicates());
        }
    }

    @Test
    void restartRestoresTheEngineAndIgnoresAnotherModelsState() throws Exception {
        long round;
        try (TestResponder responder = new TestResponder(pkg, broker.uri(), "responder-4");
             ResultCollector results = new ResultCollector(broker.uri(), "d4")) {
            DeviceDaemon first = DeviceDaemon.start(config("d4", Map.of("policy", "splitee", "cost.mode", "paper")));
            for (int i = 0; i < 40; i++) {
                publishSample("d4", i, "r-" + i);
            }
            results.awaitDistinct(40, Duration.ofSeconds(60));
            first.close();
            round = savedRound(first.stateFile());
            assertEquals(40, round, "the engine chose 40 times and saved that");

            DeviceDaemon second = DeviceDaemon.start(config("d4", Map.of("policy", "splitee", "cost.mode", "paper")));
            for (int i = 40; i < 50; i++) {
                publishSample("d4", i, "r-" + i);
            }
            results.awaitDistinct(50, Duration.ofSeconds(60));
            second.close();
            assertEquals(50, savedRound(second.stateFile()), "the restored engine continued from round 40");

            // A state file written for another model's manifest is ignored.
            String text = Files.readString(second.stateFile(), StandardCharsets.ISO_8859_1);
            String other = text.replaceFirst("splitee-state 1 [0-9a-f]{64}", "splitee-state 1 " + "ab".repeat(32));
            Files.writeString(second.stateFile(), other, StandardCharsets.ISO_8859_1);
            DeviceDaemon third = DeviceDaemon.start(config("d4", Map.of("policy", "splitee", "cost.mode", "paper")));
            publishSample("d4", 50, "r-50");
            results.awaitDistinct(51, Duration.ofSeconds(60));
            third.close();
            assertEquals(1, savedRound(third.stateFile()), "a fresh engine: another model's state was ignored");
        }
    }

    static long savedRound(Path stateFile) throws Exception {
        byte[] all = Files.readAllBytes(stateFile);
        int nl = 0;
        while (all[nl] != '\n') {
            nl++;
        }
        String json = new String(all, nl + 1, all.length - nl - 1, StandardCharsets.UTF_8);
        String b64 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("policy").asText();
        return PolicyState.fromBytes(java.util.Base64.getDecoder().decode(b64)).round();
    }

    /**
     * The device announces a Maximum Packet Size (the largest sample plus headroom), so the broker drops a
     * larger message for it instead of delivering it: a 6 MB message never reaches the daemon's heap (issue 19
     * saw a 60 MB one leave a -Xmx64m device deaf), and the next sample is answered.
     */
    @Test
    void aMessageBeyondTheAnnouncedPacketSizeNeverReachesTheDevice() throws Exception {
        try (ResultCollector results = new ResultCollector(broker.uri(), "d9");
             DeviceDaemon daemon = DeviceDaemon.start(config("d9", Map.of("policy", "final")))) {
            byte[] huge = new byte[DeviceDaemon.MAX_INCOMING_PACKET + 1024];
            publisher.publish(Outgoing.builder("splitee/d9/samples", huge).contentType(Frame.CONTENT_TYPE)
                    .userProperty("sample-id", "too-big").build()).get();
            publishSample("d9", 0, "after-big");
            results.awaitDistinct(1, Duration.ofSeconds(30));
            assertEquals(ResultMessage.Status.OK, results.only("after-big").status());
            Thread.sleep(300);
            assertEquals(List.of(), results.all("too-big"), "dropped by the broker, never delivered");
            assertEquals(1.0, daemon.metrics().registry().counter("splitee.device.samples").count(),
                    "only the good sample reached the daemon");
        }
    }

    @Test
    void badInputGetsANamedErrorAndTheDaemonKeepsServing() throws Exception {
        try (ResultCollector results = new ResultCollector(broker.uri(), "d5");
             DeviceDaemon daemon = DeviceDaemon.start(config("d5", Map.of("policy", "final")))) {
            String topic = "splitee/d5/samples";
            byte[] garbage = new byte[200];
            new Random(7).nextBytes(garbage);
            publisher.publish(Outgoing.builder(topic, garbage).contentType(Frame.CONTENT_TYPE)
                    .userProperty("sample-id", "bad-garbage").build()).get();
            float[] small = new float[14 * 14];
            byte[] wrongShape = encoder.encode(Frame.sample(pkg.manifest().id(),
                    new ManifestHash(pkg.manifestSha256Bytes()), 0, TensorSpec.float32(1, 14, 14), "bad-shape",
                    Instant.now(), FloatBuffer.wrap(small)));
            publisher.publish(Outgoing.builder(topic, wrongShape).contentType(Frame.CONTENT_TYPE).build()).get();
            byte[] huge = new byte[300 * 1024];
            publisher.publish(Outgoing.builder(topic, huge).contentType(Frame.CONTENT_TYPE)
                    .userProperty("sample-id", "bad-huge").build()).get();
            publisher.publish(Outgoing.builder(topic, "hello".getBytes(StandardCharsets.UTF_8))
                    .contentType("text/plain").userProperty("sample-id", "bad-type").build()).get();
            publisher.publish(Outgoing.builder(topic, new byte[] {1, 2, 3}).contentType("image/png")
                    .userProperty("sample-id", "bad-png").build()).get();
            publishSample("d5", 0, "good-0");
            results.awaitDistinct(6, Duration.ofSeconds(30));
            assertError(results.only("bad-garbage"), "BAD_MAGIC", "magic");
            assertError(results.only("bad-shape"), "SHAPE_MISMATCH", "shape");
            assertError(results.only("bad-huge"), "TOO_LARGE", "");
            assertError(results.only("bad-type"), "UNSUPPORTED_CONTENT_TYPE", "text/plain");
            assertError(results.only("bad-png"), "BAD_IMAGE", "PNG");
            ResultMessage ok = results.only("good-0");
            assertEquals(ResultMessage.Status.OK, ok.status());
            assertEquals(tracePred[0][pkg.depth() - 1], ok.prediction().classIndex());
        }
    }

    static void assertError(ResultMessage r, String code, String messagePart) {
        assertEquals(ResultMessage.Status.ERROR, r.status(), r.toString());
        assertNotNull(r.error());
        assertEquals(code, r.error().code(), r.error().message());
        assertTrue(r.error().message().contains(messagePart), r.error().message());
    }

    @Test
    void burstLargerThanTheQueueIsHeldByTheBrokerAndEverySampleComputed() throws Exception {
        try (ResultCollector results = new ResultCollector(broker.uri(), "d6");
             DeviceDaemon daemon = DeviceDaemon.start(config("d6", Map.of("policy", "final", "queue.size", "4",
                     "mqtt.max-in-flight", "8")))) {
            List<java.util.concurrent.CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sent.add(publisher.publish(Outgoing.builder("splitee/d6/samples", sampleFrame(i, "b-" + i))
                        .qos(1).contentType(Frame.CONTENT_TYPE).build()));
            }
            for (var f : sent) {
                f.get();
            }
            results.awaitDistinct(300, Duration.ofSeconds(120));
            Thread.sleep(300);
            assertEquals(List.of(), results.duplicates());
            long overloaded = results.inOrder.stream().filter(r -> r.status() == ResultMessage.Status.OVERLOADED)
                    .count();
            long ok = results.inOrder.stream().filter(r -> r.status() == ResultMessage.Status.OK).count();
            assertEquals(0, overloaded, "the broker holds what a queue of 4 cannot take yet");
            assertEquals(300, ok, "every sample computed");
            assertEquals(300, results.inOrder.size(), "one answer each");
        }
    }
}
