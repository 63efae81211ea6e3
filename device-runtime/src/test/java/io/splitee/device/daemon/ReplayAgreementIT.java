package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.config.DeviceConfig;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Policies;
import io.splitee.engine.Policy;
import io.splitee.engine.PolicyState;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.SegmentRunner;
import io.splitee.onnx.Softmax;
import io.splitee.replay.Replay;
import io.splitee.replay.Trace;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replay and live agree: the daemon, driven with the shipped images (real Mosquitto, the real model,
 * a responder finishing offloads with the real runner), plays the same arm sequence as
 * {@link Replay} of the shipped trace rows of those images, with the same policy (SplitEE-S, and SplitEE-S whose
 * arms leave at the first confident exit, {@code leave=first}: the arms compared are where the samples left), seed
 * and paper costs. {@code models/train.py} writes {@code samples/} as the first 1,000 test images and
 * {@code traces/clean.csv.gz} row {@code i} as test image {@code i} (same order), so image {@code i} is
 * trace row {@code i}.
 *
 * <p>The samples are sent one at a time, each after the previous one's result: the daemon may choose
 * ahead of outstanding offload answers, the replay never does, so only a sequential stream can agree
 * choice for choice.
 *
 * <p>Exact where it must be: the arm sequence, and each arm's update count in the saved policy state.
 * The confidences cannot be bit-identical: the trace holds PyTorch's confidences rounded to six
 * decimals, the device computes ONNX Runtime's float32 softmax. So the test (1) replays the
 * confidences the device computes (the same runner configuration, here in the test) and requires the
 * same choices, exactly: fed the same confidences, the executor and policy choose the same; (2)
 * replays the trace rows and requires the same choices too, after checking that the device's
 * confidences differ from the trace's by at most {@value #CONFIDENCE_TOLERANCE} (rounding and runtime)
 * and that no trace confidence sits within the largest difference of α, where the threshold rule
 * could flip. A difference
 * below that cannot reorder UCB indices except at an exact tie of arm means, which the summed rewards
 * (compared to {@value #CONFIDENCE_TOLERANCE} per update) would show.
 */
class ReplayAgreementIT {
    static final Path MODEL = DeviceDaemonIT.MODEL;
    static final int N = 300;
    static final double ALPHA = 0.8;
    static final long SEED = 42;
    static final double CONFIDENCE_TOLERANCE = 1e-4;

    @TempDir
    Path stateDir;

    @ParameterizedTest
    @ValueSource(strings = {"splitee-s", "splitee-s:leave=first"})
    void theDaemonPlaysTheArmsAReplayOfTheTraceRowsPlays(String policy) throws Exception {
        ModelPackage pkg = ModelPackage.load(MODEL);
        int l = pkg.depth();
        List<Integer> live = new ArrayList<>();
        PolicyState liveState;
        try (MosquittoBroker broker = MosquittoBroker.start();
             FrameEncoder encoder = new FrameEncoder()) {
            Transport publisher = Transport.mqtt(MqttSettings.builder("agree-pub", broker.uri()).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).build());
            publisher.start();
            Map<String, String> o = new HashMap<>();
            o.put("device.id", "agree");
            o.put("mqtt.uri", broker.uri());
            o.put("model.dir", MODEL.toString());
            o.put("state.dir", stateDir.toString());
            o.put("runtime.intra-op-threads", "1");
            o.put("policy", policy);
            o.put("policy.threshold", Double.toString(ALPHA));
            o.put("policy.ucb-c", "1");
            // no policy.seed: SplitEE-S draws no random numbers, so the key is refused as inert (the replay's SEED
            // cannot change its choices either)
            o.put("cost.mode", "paper");
            o.put("cost.lambda", "0.01");
            o.put("cost.offload", "0.1");
            o.put("offload.encoding", "fp32");
            o.put("offload.payload", "features");
            o.put("offload.deadline", "20s");
            DeviceConfig config = DeviceConfig.load(null, Map.of(), o);
            try (TestResponder responder = new TestResponder(pkg, broker.uri(), "agree-gw");
                 ResultCollector results = new ResultCollector(broker.uri(), "agree");
                 DeviceDaemon daemon = DeviceDaemon.start(config)) {
                TensorSpec input = pkg.manifest().input().tensor().spec();
                for (int i = 0; i < N; i++) {
                    float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
                    byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(),
                            new ManifestHash(pkg.manifestSha256Bytes()), 0, input, "a-" + i, Instant.now(),
                            FloatBuffer.wrap(x)));
                    publisher.publish(Outgoing.builder("splitee/agree/samples", frame).qos(1)
                            .contentType(Frame.CONTENT_TYPE).build()).get();
                    results.awaitDistinct(i + 1, Duration.ofSeconds(30)); // one at a time: outcome before the next choice
                    ResultMessage r = results.only("a-" + i);
                    assertEquals(ResultMessage.Status.OK, r.status(), r.toString());
                    live.add(r.splitBlock());
                }
                daemon.close();
                liveState = savedState(daemon.stateFile());
            } finally {
                publisher.close();
            }
        }

        // The confidences the device computes, for the replay of what the device saw.
        double[][] device = new double[N][l];
        try (SegmentRunner runner = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(1)
                .withFused(false))) {
            FloatBuffer[] b = new FloatBuffer[l + 1];
            for (int i = 0; i <= l; i++) {
                b[i] = FloatBuffer.allocate(runner.activationSize(i));
            }
            float[] logits = new float[runner.classes()];
            for (int s = 0; s < N; s++) {
                b[0].put(0, pkg.manifest().input().normalise(pkg.samples().image(s)));
                for (int e = 1; e <= l; e++) {
                    runner.runBlocks(e, e, b[e - 1], b[e]);
                    runner.runExit(e, b[e], logits);
                    device[s][e - 1] = Softmax.maxProbability(logits);
                }
            }
        }
        Trace full = Trace.read(pkg.trace("clean"));
        double[][] traceConf = new double[N][];
        int[][] preds = new int[N][l];
        int[] labels = new int[N];
        double maxDiff = 0;
        int nearAlpha = 0;
        for (int s = 0; s < N; s++) {
            traceConf[s] = full.confidences(s);
            labels[s] = full.label(s);
            for (int e = 1; e <= l; e++) {
                preds[s][e - 1] = full.prediction(s, e);
                maxDiff = Math.max(maxDiff, Math.abs(device[s][e - 1] - traceConf[s][e - 1]));
            }
        }
        for (int s = 0; s < N; s++) {
            for (int e = 1; e <= l; e++) {
                nearAlpha += Math.abs(traceConf[s][e - 1] - ALPHA) <= maxDiff ? 1 : 0;
            }
        }
        assertTrue(maxDiff <= CONFIDENCE_TOLERANCE, "image i is trace row i: the device's confidences differ from "
                + "the trace's by " + maxDiff);
        assertEquals(0, nearAlpha, "no trace confidence within the largest difference of α (the threshold rule could flip there)");

        Replayed ofDevice = replay(Trace.of("device", device, preds, labels), l, policy);
        assertEquals(live, ofDevice.arms, "fed the device's own confidences, the replay chooses what the daemon chose");
        Replayed ofTrace = replay(Trace.of("clean[0.." + N + ")", traceConf, preds, labels), l, policy);
        assertEquals(live, ofTrace.arms, "the replay of the trace rows chooses what the daemon chose (largest "
                + "confidence difference " + maxDiff + ")");
        assertTrue(Set.copyOf(live).size() > 2, "SplitEE-S explored several arms: " + Set.copyOf(live));

        PolicyState replayed = ofTrace.policy.snapshot();
        assertEquals(replayed.round(), liveState.round());
        assertArrayEquals(replayed.updateCounts(), liveState.updateCounts(), "same updates per arm, side observations "
                + "included");
        for (int a = 0; a < l; a++) {
            assertEquals(replayed.rewardSums()[a], liveState.rewardSums()[a],
                    CONFIDENCE_TOLERANCE * liveState.updateCounts()[a], "summed reward of arm " + (a + 1));
        }
        System.out.printf("replay/live agreement (%s): %d samples, arms %s, largest confidence difference %.3g%n",
                policy, N, Set.copyOf(live), maxDiff);
    }

    record Replayed(List<Integer> arms, Policy policy) {
    }

    static Replayed replay(Trace trace, int l, String policy) {
        EngineConfig config = new EngineConfig(l, ALPHA, new PaperCost(0.01, 0.1), 1.0, SEED);
        Policy inner = Policies.parse(policy, config);
        List<Integer> arms = new ArrayList<>();
        Replay.run(trace, inner, config, List.of(), (sample, arm, offloaded, seen) -> arms.add(arm));
        return new Replayed(arms, inner);
    }

    static PolicyState savedState(Path stateFile) throws Exception {
        byte[] all = Files.readAllBytes(stateFile);
        int nl = 0;
        while (all[nl] != '\n') {
            nl++;
        }
        String json = new String(all, nl + 1, all.length - nl - 1, StandardCharsets.UTF_8);
        String b64 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("policy").asText();
        return PolicyState.fromBytes(Base64.getDecoder().decode(b64));
    }

}
