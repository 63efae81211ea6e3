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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backlogs are computed, not refused: a real device (default {@code queue.size} 64, so a Receive Maximum of 64)
 * offloading every sample after block 1 to a real gateway over a real Mosquitto (with the {@code
 * max_queued_messages} docs/gateway.md recommends) gets 2,000 samples at once, or finds 2,000 waiting in its
 * session when it starts again. Every sample is answered once, none {@code overloaded}: the broker holds what
 * the device cannot take yet.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BacklogIT {
    private static final int N = 2000;

    @Test
    void aBurstToARunningDeviceAndABacklogWaitingForAStoppedOneAreComputedNotRefused(@TempDir Path state)
            throws Exception {
        ModelPackage pkg = TestPackages.loadReal();
        String device = "backlog";
        Map<String, String> offloading = Map.of("policy", "fixed:1", "policy.threshold", "1.0", "queue.size", "64",
                "offload.deadline", "2s", "offload.probe-interval", "1s");
        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(10_000).start();
             AnswerCollector answers = new AnswerCollector(broker.uri());
             Gateway gateway = Gateway.start(TestGateways.config("gw-backlog", broker.uri(),
                     Map.of("workers", "2", "batch.max-size", "16")));
             FrameEncoder encoder = new FrameEncoder()) {
            Transport camera = Transport.mqtt(MqttSettings.builder("camera-backlog", broker.uri())
                    .maxInFlight(64).build());
            camera.start();
            try {
                // 1: a burst to a running device
                long start;
                try (DeviceDaemon daemon = DeviceDaemon.start(EndToEndIT.device(device, broker.uri(), state,
                        offloading))) {
                    start = System.nanoTime();
                    publish(camera, encoder, pkg, device, 0, N);
                    answers.awaitAll(keys(device, 0, N), Duration.ofSeconds(40));
                    report("burst of " + N + " to a running device", answers, device, 0, start);
                }
                // 2: a backlog published while the device is down (its session keeps it)
                publish(camera, encoder, pkg, device, N, N);
                start = System.nanoTime();
                try (DeviceDaemon daemon = DeviceDaemon.start(EndToEndIT.device(device, broker.uri(), state,
                        offloading))) {
                    answers.awaitAll(keys(device, N, N), Duration.ofSeconds(40));
                    report("backlog of " + N + " waiting for a stopped device", answers, device, N, start);
                }
            } finally {
                camera.close();
            }
            assertTrue(broker.log().lines().noneMatch(l -> l.contains("Outgoing messages are being dropped")),
                    "the broker dropped nothing");
        }
    }

    private static void report(String what, AnswerCollector answers, String device, int from, long start)
            throws InterruptedException {
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(300); // room for a second answer to show up
        int overloaded = 0;
        int byGateway = 0;
        for (int i = from; i < from + N; i++) {
            List<AnswerCollector.Answer> r = answers.results(device, device + "-" + i);
            assertEquals(1, r.size(), what + ": one answer for sample " + i + ", got " + r.size());
            ResultMessage m = r.get(0).message();
            overloaded += m.status() == ResultMessage.Status.OVERLOADED ? 1 : 0;
            byGateway += m.computedAt() == ResultMessage.Location.GATEWAY ? 1 : 0;
        }
        System.out.printf("%s: all %d answered once in %.1f s, %d overloaded, %d by the gateway%n", what, N, seconds,
                overloaded, byGateway);
        assertEquals(0, overloaded, what + ": none refused");
    }

    /** Publishes samples {@code from..from+n} as fast as the camera's window allows. */
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
}
