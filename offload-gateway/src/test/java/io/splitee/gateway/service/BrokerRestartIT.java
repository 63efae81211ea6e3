package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.model.ModelPackage;
import io.splitee.model.TestPackages;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A broker restart with persistence, between a real device daemon that offloads every sample after block 1 and
 * a real gateway in the shared group, over a real Mosquitto: neither is restarted, and the gateway receives the
 * device's frames again afterwards. Mosquitto 2.0.11 resumes the gateway's persisted session without its
 * {@code $share} subscription; the transport subscribes again after every reconnect.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BrokerRestartIT {
    private static final int PER_PHASE = 200;

    @ParameterizedTest(name = "crashAfterSave={0}")
    @ValueSource(booleans = {false, true})
    void theGatewayReceivesFramesAgainAfterABrokerRestart(boolean crashAfterSave, @TempDir Path state)
            throws Exception {
        ModelPackage pkg = TestPackages.loadReal();
        String device = "restart-" + crashAfterSave;
        try (MosquittoBroker broker = MosquittoBroker.start();
             AnswerCollector answers = new AnswerCollector(broker.uri());
             Gateway gateway = Gateway.start(TestGateways.config("gw-" + device, broker.uri(), Map.of()));
             DeviceDaemon daemon = DeviceDaemon.start(EndToEndIT.device(device, broker.uri(), state,
                     Map.of("policy", "fixed:1", "policy.threshold", "1.0", "offload.deadline", "2s",
                             "offload.probe-interval", "1s")));
             FrameEncoder encoder = new FrameEncoder()) {
            Transport camera = Transport.mqtt(MqttSettings.builder("camera-" + device, broker.uri())
                    .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(500)).maxInFlight(16).build());
            camera.start();
            try {
                publish(camera, encoder, pkg, device, 0, PER_PHASE);
                answers.awaitAll(keys(device, 0, PER_PHASE), Duration.ofSeconds(30));
                int before = byGateway(answers, device, 0, PER_PHASE);
                assertTrue(before > 0, "the gateway answers the offloads before the restart: "
                        + before + " of " + PER_PHASE);
                double framesBefore = frames(gateway);

                if (crashAfterSave) {
                    broker.save();
                    broker.kill();
                } else {
                    broker.stop();
                }
                broker.restart();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!(camera.isConnected() && gateway.isConnected() && answers.isConnected())
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(camera.isConnected() && gateway.isConnected() && answers.isConnected(), "reconnected; broker log:\n" + broker.log());

                publish(camera, encoder, pkg, device, PER_PHASE, PER_PHASE);
                answers.awaitAll(keys(device, PER_PHASE, PER_PHASE), Duration.ofSeconds(30));
                Thread.sleep(300); // room for a second answer to show up
                int after = byGateway(answers, device, PER_PHASE, PER_PHASE);
                double framesAfter = frames(gateway) - framesBefore;
                System.out.printf("broker %s: gateway answered %d of %d samples before, %d of %d after; "
                                + "frames received after: %.0f%n", crashAfterSave ? "killed after a save" : "restarted",
                        before, PER_PHASE, after, PER_PHASE, framesAfter);
                assertEquals(List.of(), answers.duplicates().stream().filter(k -> k.startsWith("results/")).toList(),
                        "no sample answered twice");
                assertTrue(framesAfter >= after && after >= PER_PHASE / 2, "the gateway receives the device's "
                        + "frames again without a restart: it answered " + after + " of " + PER_PHASE
                        + " samples and received " + framesAfter + " frames after the broker restarted");
            } finally {
                camera.close();
            }
        }
    }

    /** Publishes samples {@code from..from+n} at about 200/s and waits for the broker's acknowledgements. */
    private static void publish(Transport camera, FrameEncoder encoder, ModelPackage pkg, String device, int from,
                                int n) throws Exception {
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        TensorSpec input = pkg.manifest().input().tensor().spec();
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
            byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0, input, device + "-" + i,
                    Instant.now(), FloatBuffer.wrap(x)));
            sent.add(camera.publish(Outgoing.builder("splitee/" + device + "/samples", frame).qos(1)
                    .contentType(Frame.CONTENT_TYPE).build()));
            Thread.sleep(5);
        }
        CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
    }

    private static List<String> keys(String device, int from, int n) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            keys.add(AnswerCollector.key("results", device, device + "-" + i));
        }
        return keys;
    }

    private static int byGateway(AnswerCollector answers, String device, int from, int n) {
        int count = 0;
        for (int i = from; i < from + n; i++) {
            List<AnswerCollector.Answer> r = answers.results(device, device + "-" + i);
            if (!r.isEmpty() && r.get(0).message().computedAt() == ResultMessage.Location.GATEWAY) {
                count++;
            }
        }
        return count;
    }

    private static double frames(Gateway gateway) {
        return gateway.metrics().registry().counter("splitee.gateway.frames").count();
    }
}
