package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.TransportException;
import io.splitee.wire.ResultMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device's rules without a broker or ONNX Runtime: the daemon on the in-memory transport and the
 * fake runner. Sample tags script the exits' confidences (twelve exits; α = 0.8 unless said).
 */
class DevicePipelineTest {
    @TempDir
    Path stateDir;

    static double[] conf(double atArm2, double elsewhere) {
        double[] c = new double[12];
        java.util.Arrays.fill(c, elsewhere);
        c[1] = atArm2;
        return c;
    }

    static Map<String, String> fixed2(String... more) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("policy", "fixed:2", "policy.threshold", "0.8"));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    @Test
    void aConfidentSampleExitsOnTheDeviceAndIsAcknowledgedOnceAnswered() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.script(1, conf(0.9, 0.5)))) {
            h.send(1, "s-1");
            ResultMessage r = h.awaitResults(1).get(0);
            assertEquals(ResultMessage.Status.OK, r.status());
            assertEquals(ResultMessage.Location.DEVICE, r.computedAt());
            assertEquals(2, r.prediction().exit());
            assertEquals(0.9, r.prediction().confidence(), 1e-6);
            assertEquals(2, h.runner.blockCalls(), "blocks 1 and 2 only");
            assertEquals(List.of(), h.offloads());
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
        }
    }

    /**
     * A valid features frame (kind 2: what a device sends a gateway) published on the samples topic is not a
     * sample: it gets one {@code error} answer and the daemon goes on answering (issue 19 saw it kill the
     * worker with an unchecked exception, and the redelivered frame kill every restart).
     */
    @Test
    void aFeaturesFrameOnTheSamplesTopicIsRefusedAndTheDaemonGoesOn() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.script(1, conf(0.9, 0.5)))) {
            io.splitee.wire.TensorSpec t = io.splitee.wire.TensorSpec.float32(h.pkg.boundaryShape(2));
            byte[] features;
            try (io.splitee.wire.FrameEncoder enc = new io.splitee.wire.FrameEncoder()) {
                features = enc.encode(io.splitee.wire.Frame.features(h.pkg.manifest().id(),
                        new io.splitee.wire.ManifestHash(h.pkg.manifestSha256Bytes()), 2, t, "kind-2",
                        java.time.Instant.now(), java.nio.FloatBuffer.allocate(t.elementCount())));
            }
            h.transport.deliver(Outgoing.builder(h.config.samplesTopic(), features).qos(1)
                    .contentType(io.splitee.wire.Frame.CONTENT_TYPE).build());
            h.send(1, "after");
            List<ResultMessage> rs = h.awaitResults(2);
            assertEquals(ResultMessage.Status.ERROR, h.only("kind-2").status(), rs.toString());
            assertTrue(h.only("kind-2").error().message().contains("features"), h.only("kind-2").toString());
            assertEquals(ResultMessage.Status.OK, h.only("after").status());
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
        }
    }

    /**
     * Replies the device cannot trust (another device, another model, a class outside the model, a label that
     * is not the class's, an exit that is not the final one, a confidence of 7) are dropped and counted; none
     * becomes a result or a reward, and the real answer still completes the offload (issue 19, item 3).
     */
    @Test
    void forgedGatewayAnswersAreDroppedAndCountedAndTheRealOneStillCounts() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.script(2, conf(0.5, 0.6)))) {
            h.send(2, "s-f");
            Outgoing offload = h.transport.awaitPublished(h.config.featuresTopic(), 1, Duration.ofSeconds(5)).get(0);
            String model = h.pkg.manifest().id();
            int l = h.pkg.depth();
            h.reply(offload, "other", model, 1, h.pkg.labels().get(1), l, 0.9);
            h.reply(offload, DeviceHarness.DEVICE, "other-model", 1, h.pkg.labels().get(1), l, 0.9);
            h.reply(offload, DeviceHarness.DEVICE, model, 99, "x", l, 0.9);
            h.reply(offload, DeviceHarness.DEVICE, model, 1, h.pkg.labels().get(2), l, 0.9);
            h.reply(offload, DeviceHarness.DEVICE, model, 1, h.pkg.labels().get(1), 2, 0.9);
            String seven = new String(io.splitee.wire.ResultCodec.toJson(io.splitee.wire.ResultMessage.builder("s-f",
                    DeviceHarness.DEVICE, model).answered(ResultMessage.Status.OK, new ResultMessage.Prediction(1,
                    h.pkg.labels().get(1), 0.9, l)).finalExitConfidence(0.9).build()),
                    java.nio.charset.StandardCharsets.UTF_8).replace("0.9", "7");
            h.replyBytes(offload, seven.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            h.reply(offload, 3, 0.8); // the real one
            ResultMessage r = h.awaitResults(1).get(0);
            assertEquals(ResultMessage.Status.OK, r.status());
            assertEquals(3, r.prediction().classIndex(), "the real answer, not a forged one");
            assertEquals(ResultMessage.Location.GATEWAY, r.computedAt());
            for (String reason : List.of("WRONG_DEVICE", "WRONG_MODEL", "BAD_CLASS", "BAD_EXIT", "UNREADABLE")) {
                assertEquals(reason.equals("BAD_CLASS") ? 2.0 : 1.0,
                        h.counter("splitee.device.replies.rejected", "reason", reason), reason);
            }
            Thread.sleep(100);
            assertEquals(1, h.results().size(), "one result, no second from any forged reply");
        }
    }

    /**
     * An offload carries the device's deadline as its MQTT message expiry, rounded up to whole seconds, so the broker
     * drops a frame the device has finished itself instead of redelivering it to a restarted gateway (issue 20).
     */
    @Test
    void anOffloadExpiresWithItsDeadlineRoundedUpToWholeSeconds() throws Exception {
        assertEquals(Duration.ofSeconds(1), Offloader.frameExpiry(Duration.ofMillis(200)));
        assertEquals(Duration.ofSeconds(1), Offloader.frameExpiry(Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(2), Offloader.frameExpiry(Duration.ofMillis(1001)));
        assertEquals(Duration.ofSeconds(20), Offloader.frameExpiry(Duration.ofSeconds(20)));
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.script(2, conf(0.5, 0.6)))) {
            h.send(2, "s-e");
            Outgoing off = h.transport.awaitPublished(h.config.featuresTopic(), 1, Duration.ofSeconds(5)).get(0);
            assertEquals(java.util.Optional.of(Offloader.frameExpiry(h.config.offload().deadline())),
                    off.messageExpiry());
        }
    }

    @Test
    void aGatewayAnswerIsTheResultAndNothingIsComputedAfterTheArm() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.script(2, conf(0.5, 0.6)))) {
            h.send(2, "s-2");
            Outgoing off = h.transport.awaitPublished(h.config.featuresTopic(), 1, Duration.ofSeconds(5)).get(0);
            h.reply(off, 3, 0.97);
            ResultMessage r = h.awaitResults(1).get(0);
            assertEquals(ResultMessage.Location.GATEWAY, r.computedAt());
            assertEquals(2, r.splitBlock());
            assertEquals(3, r.prediction().classIndex());
            assertEquals(0.97, r.finalExitConfidence(), 1e-9);
            assertEquals(2, h.runner.blockCalls());
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
        }
    }

    @Test
    void aMissedDeadlineIsFinishedOnTheDeviceWithCompleteFallback() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2("offload.deadline", "150ms"),
                r -> r.script(3, conf(0.5, 0.6)))) {
            h.send(3, "s-3");
            ResultMessage r = h.awaitResults(1).get(0);
            assertEquals(ResultMessage.Status.OK, r.status());
            assertEquals(ResultMessage.Location.DEVICE, r.computedAt());
            assertEquals(12, r.prediction().exit(), "answered from the final exit");
            assertEquals(2, r.splitBlock());
            assertEquals(1, h.offloads().size());
            assertEquals(12, h.runner.blockCalls(), "each block once: 1-2 before the offload, 3-12 after the deadline");
            assertEquals(1.0, h.counter("splitee.device.deadline.misses"));
        }
    }

    @Test
    void aMissedDeadlineIsAnsweredFromTheArmWithDegradedFallback() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2("offload.deadline", "150ms",
                "offload.fallback", "degraded"), r -> r.script(4, conf(0.5, 0.6)))) {
            h.send(4, "s-4");
            ResultMessage r = h.awaitResults(1).get(0);
            assertEquals(ResultMessage.Status.DEGRADED, r.status());
            assertEquals("DEADLINE", r.error().code());
            assertEquals(2, r.prediction().exit());
            assertEquals(0.5, r.prediction().confidence(), 1e-6);
            assertEquals(2, h.runner.blockCalls(), "nothing more computed");
            assertEquals(1.0, h.counter("splitee.device.results", "status", "degraded", "code", "DEADLINE"));
            // one tag set per meter name: Prometheus keeps every series (it drops a meter with other tag keys)
            String scrape = ((io.micrometer.prometheusmetrics.PrometheusMeterRegistry) h.daemon.metrics().registry())
                    .scrape();
            assertTrue(scrape.contains("splitee_device_results_total{code=\"DEADLINE\",status=\"degraded\"} 1.0"),
                    scrape);
            assertTrue(scrape.contains("splitee_device_results_total{code=\"BACKLOG\",status=\"overloaded\"} 0.0"),
                    scrape);
        }
    }

    @Test
    void threeMissesInARowStopOffloadingUntilTheGatewayAnswers() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2("offload.deadline", "100ms"),
                r -> r.defaultConfidence(0.5))) {
            for (int i = 0; i < 5; i++) {
                h.send(10 + i, "m-" + i);
                h.awaitResults(i + 1);
            }
            assertEquals(GatewayBreaker.OPEN_AFTER_MISSES, h.offloads().size(),
                    "after three misses the samples are finished on the device without an offload");
            assertEquals(GatewayBreaker.OPEN_AFTER_MISSES, h.counter("splitee.device.deadline.misses"));
            for (int i = 0; i < 5; i++) {
                assertEquals(12, h.only("m-" + i).prediction().exit());
            }
            // what the status LED and the CoAP status resource see
            io.splitee.device.status.Status st = h.daemon.deviceStatus().snapshot();
            assertEquals(io.splitee.device.status.DeviceState.FALLBACK, st.state());
            assertEquals(5, st.samples());
            assertEquals(5, st.answeredOnDevice());
            assertEquals(GatewayBreaker.OPEN_AFTER_MISSES, st.offloaded());
            assertEquals(2, st.mostPlayedArm());
        }
    }

    @Test
    void aRedeliveryInProgressTakesOverTheAcknowledgementAndOneAnsweredIsAcknowledgedWithoutASecondAnswer()
            throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.script(5, conf(0.9, 0.9)))) {
            h.transport.holdPublishAcks();
            var first = h.send(5, "d-1");
            h.awaitResults(1);
            var again = h.send(5, "d-1"); // the broker delivers it again while its answer is in flight
            waitUntil(() -> h.counter("splitee.device.duplicates") == 1.0);
            h.transport.releasePublishAcks();
            waitUntil(() -> h.transport.unacked().size() == 1);
            assertEquals(List.of(first), h.transport.unacked(), "the redelivery took over the acknowledgement");
            assertTrue(h.transport.unacked().stream().noneMatch(m -> m.deliveryTag() == again.deliveryTag()));

            h.send(5, "d-1"); // long after the answer
            waitUntil(() -> h.counter("splitee.device.duplicates") == 2.0);
            waitUntil(() -> h.transport.unacked().size() == 1);
            Thread.sleep(100);
            assertEquals(1, h.results().size(), "one answer, whatever the deliveries");
            assertEquals(1, h.runner.exitCalls(2), "computed once");
        }
    }

    @Test
    void aReusedIdWithOtherDataIsAnsweredDuplicateIdAndARedeliveryStaysSilent() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.script(5, conf(0.9, 0.9))
                .script(6, conf(0.9, 0.9)))) {
            h.send(5, "r-1");
            h.awaitResults(1);
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
            h.send(6, "r-1"); // a camera whose counter restarted: the same id, another image
            List<ResultMessage> results = h.awaitResults(2);
            ResultMessage dup = results.get(1);
            assertEquals("r-1", dup.sampleId());
            assertEquals(ResultMessage.Status.ERROR, dup.status());
            assertEquals("DUPLICATE_ID", dup.error().code());
            assertEquals(1.0, h.counter("splitee.device.results", "status", "error", "code", "DUPLICATE_ID"));
            h.transport.awaitAllAcked(Duration.ofSeconds(5));

            h.send(5, "r-1"); // the first sample again (a redelivery, timestamp aside): silent, as before
            waitUntil(() -> h.counter("splitee.device.duplicates") == 1.0);
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
            Thread.sleep(100);
            assertEquals(2, h.results().size(), "no answer for the redelivery");
            assertEquals(1, h.runner.exitCalls(2), "computed once");
        }
    }

    @Test
    void aSampleWhoseAnswerTheProcessBeforeLeftInTheClientStoreIsAcknowledgedWithoutASecondAnswer() throws Exception {
        String results = "splitee/" + DeviceHarness.DEVICE + "/results";
        List<Outgoing> earlier = List.of(
                // in flight at the kill (being sent again) and completed: both by their correlation data
                Outgoing.builder(results, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).qos(2)
                        .correlationData("k-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build(),
                // an answer without correlation data: the sample id of its JSON
                Outgoing.builder(results, io.splitee.wire.ResultCodec.toJson(ResultMessage.builder("k-2",
                        DeviceHarness.DEVICE, "m").refused(ResultMessage.Status.ERROR, "X", "x").build())).qos(2).build(),
                // another topic (an offload frame) names no answered sample
                Outgoing.builder("splitee/" + DeviceHarness.DEVICE + "/features", new byte[] {1}).qos(2)
                        .correlationData("k-3".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build());
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.script(5, conf(0.9, 0.9)), earlier)) {
            h.send(5, "k-1"); // redelivered: its acknowledgement had not reached the broker
            h.send(5, "k-2");
            h.send(5, "k-3");
            ResultMessage only = h.awaitResults(1).get(0);
            waitUntil(() -> h.counter("splitee.device.duplicates.restored") == 2.0);
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
            Thread.sleep(100);
            assertEquals("k-3", only.sampleId());
            assertEquals(List.of("k-3"), h.results().stream().map(ResultMessage::sampleId).toList(),
                    "k-1 and k-2 acknowledged without a second answer");
            assertEquals(2.0, h.counter("splitee.device.duplicates"));
            assertEquals(List.of(2), h.transport.published(results).stream().map(Outgoing::qos).toList(),
                    "answers at QoS 2, so a resend of one is delivered once");
        }
    }

    @Test
    void samplesFromTheBrokerBeyondTheQueueAreHeldAndComputedNotRefused() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        try (DeviceHarness h = new DeviceHarness(stateDir, Map.of("policy", "final", "queue.size", "1"),
                r -> r.defaultConfidence(0.9).onBlock(() -> {
                    entered.countDown();
                    try {
                        gate.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))) {
            h.send(1, "q-0");
            assertTrue(entered.await(5, TimeUnit.SECONDS), "the worker is busy with q-0");
            for (int i = 1; i <= 4; i++) {
                h.send(1 + i, "q-" + i);
            }
            h.transport.awaitHandled(Duration.ofSeconds(5)); // all four taken in while the worker is still busy
            assertEquals(5, h.transport.unacknowledged(), "none answered yet, none refused");
            gate.countDown();
            List<ResultMessage> all = h.awaitResults(5);
            Thread.sleep(100);
            assertEquals(5, h.results().size());
            assertEquals(5, all.stream().map(ResultMessage::sampleId).distinct().count());
            for (int i = 0; i <= 4; i++) {
                assertEquals(ResultMessage.Status.OK, h.only("q-" + i).status(), "q-" + i + " computed");
            }
            assertEquals(0.0, h.counter("splitee.device.results", "status", "overloaded", "code", "BACKLOG"));
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
        }
    }

    @Test
    void aBacklogHeldBeyondOverloadAfterIsAnsweredOverloadedAndEverySampleGetsExactlyOneAnswer() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        try (DeviceHarness h = new DeviceHarness(stateDir, Map.of("policy", "final", "queue.size", "1",
                "queue.overload.after", "50ms"),
                r -> r.defaultConfidence(0.9).onBlock(() -> {
                    entered.countDown();
                    try {
                        gate.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))) {
            h.send(1, "q-0");
            assertTrue(entered.await(5, TimeUnit.SECONDS), "the worker is busy with q-0");
            for (int i = 1; i <= 4; i++) {
                h.send(1 + i, "q-" + i);
            }
            h.transport.awaitHandled(Duration.ofSeconds(5)); // all four taken in while the worker is still busy
            Thread.sleep(200); // the backlog (held since q-0 was taken) lasts beyond queue.overload.after
            gate.countDown();
            List<ResultMessage> all = h.awaitResults(5);
            Thread.sleep(100);
            assertEquals(5, h.results().size());
            assertEquals(5, all.stream().map(ResultMessage::sampleId).distinct().count());
            assertEquals(ResultMessage.Status.OK, h.only("q-0").status());
            for (int i = 1; i <= 4; i++) {
                ResultMessage r = h.only("q-" + i);
                assertEquals(ResultMessage.Status.OVERLOADED, r.status());
                assertEquals("BACKLOG", r.error().code());
                assertTrue(r.error().message().contains("for more than PT0.05S (queue.overload.after)"),
                        r.error().message());
            }
            assertEquals(4.0, h.counter("splitee.device.results", "status", "overloaded", "code", "BACKLOG"));
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
        }
    }

    @Test
    void shutdownAnswersEverythingInFlightThenStops() throws Exception {
        DeviceHarness h = new DeviceHarness(stateDir, fixed2("offload.deadline", "300ms"),
                r -> r.defaultConfidence(0.5));
        try {
            h.send(1, "x-0");
            h.transport.awaitPublished(h.config.featuresTopic(), 1, Duration.ofSeconds(5));
            h.send(2, "x-1");
            h.transport.awaitPublished(h.config.featuresTopic(), 2, Duration.ofSeconds(5));
            long t0 = System.nanoTime();
            h.daemon.close(); // both offloads are pending
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "well within the grace");
            assertEquals(2, h.results().size());
            assertEquals(12, h.only("x-0").prediction().exit(), "finished at its deadline");
            assertEquals(12, h.only("x-1").prediction().exit());
            assertEquals(List.of(), h.transport.unacked(), "both acknowledged before the disconnect");
            assertTrue(h.transport.published("splitee/u1/status").stream()
                    .anyMatch(o -> new String(o.payload()).contains("offline")));
        } finally {
            h.close();
        }
    }

    @Test
    void anAnswerTheBrokerRejectsIsGivenUpAndItsSampleAcknowledged() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.defaultConfidence(0.9))) {
            h.transport.failPublishes(o -> o.topic().equals(h.config.resultsTopic()), TransportException.Reason.REJECTED,
                    -1);
            h.send(1, "g-0");
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
            assertEquals(1.0, h.counter("splitee.device.answers.given.up"));
            assertEquals(List.of(), h.results());
            long t0 = System.nanoTime();
            h.daemon.close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "nothing left for shutdown to wait for");
        }
    }

    @Test
    void anAnswerNotSentIsRetriedThenDelivered() throws Exception {
        try (DeviceHarness h = new DeviceHarness(stateDir, fixed2(), r -> r.defaultConfidence(0.9))) {
            h.transport.failPublishes(o -> o.topic().equals(h.config.resultsTopic()),
                    TransportException.Reason.BACKPRESSURE, 3);
            h.send(1, "g-1");
            h.awaitResults(1);
            h.transport.awaitAllAcked(Duration.ofSeconds(5));
            assertEquals(3.0, h.counter("splitee.device.answer.publish.failures"));
            assertEquals(0.0, h.counter("splitee.device.answers.given.up"));
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }
}
