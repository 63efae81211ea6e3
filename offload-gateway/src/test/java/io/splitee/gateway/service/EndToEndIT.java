package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.config.MqttConnection;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.model.ModelPackage;
import io.splitee.model.TestPackages;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.replay.Trace;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: real device daemons (engine, split, offload with deadline) take samples, offload to a
 * real gateway over a real Mosquitto, and publish one result per sample; the answers are the model's
 * own predictions at the exit that answered (the training script's trace {@code clean}).
 */
class EndToEndIT {

    static DeviceConfig device(String id, String broker, Path stateDir, Map<String, String> extra) throws Exception {
        DeviceConfig base = DeviceConfig.builder(id, TestGateways.model())
                .mqtt(MqttConnection.builder().uri(broker).reconnect(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .build())
                .stateDir(stateDir)
                .intraOpThreads(1)
                .deadline(Duration.ofSeconds(20))
                .queueSize(1000)
                .costMode(DeviceConfig.Cost.Mode.PAPER)
                .build();
        return DeviceConfig.load(base, extra);
    }

    @Test
    void samplesInResultsOutWithTheModelsAccuracy(@TempDir Path state) throws Exception {
        ModelPackage pkg = TestPackages.loadReal();
        int n = 150;
        Trace trace = Trace.read(pkg.trace("clean")); // pred_i and label per sample
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        TensorSpec input = pkg.manifest().input().tensor().spec();
        // a: SplitEE choosing its split, features in fp32; b: split after block 6, sends the raw sample in fp16.
        Map<String, Map<String, String>> devices = Map.of(
                "e2e.a", Map.of("policy", "splitee", "policy.threshold", "0.9", "cost.lambda", "0.01",
                        "cost.offload", "0.1", "offload.payload", "features", "offload.encoding", "fp32"),
                "e2e-b", Map.of("policy", "fixed:6", "policy.threshold", "1.0", "offload.payload", "raw",
                        "offload.encoding", "fp16"));
        try (MosquittoBroker broker = MosquittoBroker.start();
             AnswerCollector answers = new AnswerCollector(broker.uri());
             Gateway gateway = Gateway.start(TestGateways.config("e2e", broker.uri(),
                     Map.of("workers", "2", "batch.max-size", "8")));
             DeviceDaemon a = DeviceDaemon.start(device("e2e.a", broker.uri(), state.resolve("a"),
                     devices.get("e2e.a")));
             DeviceDaemon b = DeviceDaemon.start(device("e2e-b", broker.uri(), state.resolve("b"),
                     devices.get("e2e-b")));
             FrameEncoder encoder = new FrameEncoder()) {
            Transport camera = Transport.mqtt(MqttSettings.builder("camera-" + System.nanoTime(), broker.uri())
                    .cleanStart(true).sessionExpiry(Duration.ZERO).maxInFlight(16).build());
            camera.start();
            try {
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    for (String d : List.of("e2e.a", "e2e-b")) {
                        float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
                        byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0, input, d + "-" + i,
                                Instant.now(), FloatBuffer.wrap(x)));
                        sent.add(camera.publish(Outgoing.builder("splitee/" + d + "/samples", frame).qos(1)
                                .contentType(Frame.CONTENT_TYPE).build()));
                    }
                }
                CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get();
            } finally {
                camera.close();
            }
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                keys.add(AnswerCollector.key("results", "e2e.a", "e2e.a-" + i));
                keys.add(AnswerCollector.key("results", "e2e-b", "e2e-b-" + i));
            }
            answers.awaitAll(keys, Duration.ofSeconds(90));
            Thread.sleep(500);
            for (String d : List.of("e2e.a", "e2e-b")) {
                int agree = 0;
                int correct = 0;
                int expectedCorrect = 0;
                int byGateway = 0;
                for (int i = 0; i < n; i++) {
                    String id = d + "-" + i;
                    List<AnswerCollector.Answer> results = answers.results(d, id);
                    assertEquals(1, results.size(), "the device publishes exactly one result for " + id);
                    ResultMessage r = results.get(0).message();
                    assertEquals(ResultMessage.Status.OK, r.status(), r.toString());
                    int exit = r.prediction().exit();
                    int expected = trace.prediction(i, exit);
                    agree += r.prediction().classIndex() == expected ? 1 : 0;
                    correct += r.prediction().classIndex() == trace.label(i) ? 1 : 0;
                    expectedCorrect += expected == trace.label(i) ? 1 : 0;
                    if (r.computedAt() == ResultMessage.Location.GATEWAY) {
                        byGateway++;
                        List<AnswerCollector.Answer> replies = answers.replies(d, id);
                        assertTrue(!replies.isEmpty(), "an offloaded result comes from a gateway answer: " + id);
                        ResultMessage g = replies.get(0).message();
                        assertEquals(g.prediction(), r.prediction(), "the device passes the gateway's answer on");
                        assertEquals(pkg.depth(), exit);
                        assertTrue(r.timings().link() != null && r.timings().gatewayCompute() != null,
                                "the device splits the round trip into link and gateway time: " + r.timings());
                    }
                }
                assertTrue(agree >= n - 1, d + ": the answers are the model's predictions at the exit that "
                        + "answered: " + agree + "/" + n);
                assertTrue(Math.abs(correct - expectedCorrect) <= 1, d + ": accuracy " + correct + "/" + n
                        + " equals the model's " + expectedCorrect + "/" + n);
                assertTrue(byGateway > 0, d + ": the gateway answered offloads");
            }
            assertEquals(List.of(), answers.unreadable);
            assertTrue(a.metrics().registry().counter("splitee.device.offloads", "payload", "features").count() > 0,
                    "e2e-a offloaded features");
            assertTrue(b.metrics().registry().counter("splitee.device.offloads", "payload", "raw").count() > 0,
                    "e2e-b offloaded raw samples");
            double gatewayOk = gateway.metrics().registry().counter("splitee.gateway.answers", "status", "ok").count();
            assertTrue(gatewayOk > 0);
            // every sample-frame offload from b was the raw sample with b's device exit block
            for (int i = 0; i < n; i++) {
                List<AnswerCollector.Answer> replies = answers.replies("e2e-b", "e2e-b-" + i);
                for (AnswerCollector.Answer rep : replies) {
                    assertEquals(6, rep.message().splitBlock());
                    assertEquals(Encoding.FP16, rep.message().encoding());
                }
            }
        }
    }
}
