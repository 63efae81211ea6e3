package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.testenv.LogCapture;
import io.splitee.wire.ResultMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The answers stage's backlog, on a real Mosquitto with each MQTT client: when it is full, frames are still
 * acknowledged at once (their answers wait without them), so nothing holds a slot of the broker's
 * in-flight window or, with the HiveMQ client's in-order acknowledgements, the acknowledgements of later
 * frames; and nothing is redelivered when the gateway's session resumes.
 */
class AnswersIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(MqttSettings.Client.class)
    void aFullBacklogAcknowledgesEveryFrameAtOnceAndStillAnswersIt(MqttSettings.Client client) throws Exception {
        int n = 12;
        int backlog = 2;
        int detached = 6;
        try (MosquittoBroker broker = MosquittoBroker.start();
             AnswerCollector answers = new AnswerCollector(broker.uri())) {
            MqttSettings gwSettings = MqttSettings.builder("replies-gw-" + client, broker.uri()).client(client)
                    .cleanStart(false).sessionExpiry(Duration.ofMinutes(5)).build();
            BlockingQueue<Incoming> frames = new LinkedBlockingQueue<>();
            Transport gw = Transport.mqtt(gwSettings);
            gw.subscribe("splitee/+/features", 1, frames::add);
            gw.start();
            Transport dev = Transport.mqtt(MqttSettings.builder("replies-dev-" + client, broker.uri())
                    .cleanStart(true).sessionExpiry(Duration.ZERO).build());
            dev.start();
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(dev.publish(Outgoing.builder("splitee/r1/features", ("frame " + i)
                        .getBytes(StandardCharsets.UTF_8)).qos(1).responseTopic("splitee/r1/replies")
                        .correlationData(("s-" + i).getBytes(StandardCharsets.UTF_8)).build()));
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
            List<Incoming> received = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Incoming m = frames.poll(10, TimeUnit.SECONDS);
                assertTrue(m != null, "frame " + i + " delivered");
                received.add(m);
            }

            GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry(), () -> 0);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<Boolean> queued = new ArrayList<>();
            try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.ERROR), Answers.class);
                 Answers stage = new Answers(gw, null, metrics, "answers-it-answers", backlog, 4, detached)) {
                for (int i = 0; i < n; i++) {
                    String sid = "s-" + i;
                    boolean first = i == 0;
                    queued.add(stage.sendLater(() -> {
                        if (first) { // holds the answers thread, so that the backlog fills
                            entered.countDown();
                            awaitQuietly(release);
                        }
                        return overloaded(sid);
                    }, received.get(i)));
                    if (first) {
                        assertTrue(entered.await(10, TimeUnit.SECONDS), "the answers thread took the first answer");
                    }
                }
                // frame 0 is on the answers thread, 1..backlog wait with their frames, then `detached` without, then none
                int answerable = 1 + backlog + detached;
                for (int i = 0; i < n; i++) {
                    assertEquals(i < answerable, queued.get(i), "frame " + i + " queued");
                }
                // each frame with no room is logged once, as the loss it is
                assertEquals(n - answerable, log.entries().size(), log.toString());
                for (int i = answerable; i < n; i++) {
                    assertEquals(1, log.count(LogCapture.Level.ERROR, "answers backlog full (" + backlog
                            + " answers with their frames, " + detached + " without): frame s-" + i + " from r1"), log.toString());
                }
                release.countDown();
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < answerable; i++) {
                    keys.add(AnswerCollector.key("replies", "r1", "s-" + i));
                }
                answers.awaitAll(keys, Duration.ofSeconds(30));
                assertTrue(stage.awaitSettled(Duration.ofSeconds(10)), "every answer settled");
            }
            Thread.sleep(300);
            assertEquals(List.of(), answers.duplicates());
            for (int i = 1 + backlog + detached; i < n; i++) {
                assertEquals(List.of(), answers.replies("r1", "s-" + i), "no room: s-" + i + " unanswered");
            }
            gw.close();

            // The session resumes: had any frame stayed unacknowledged, the broker would deliver it again now.
            Transport again = Transport.mqtt(gwSettings);
            BlockingQueue<Incoming> redelivered = new LinkedBlockingQueue<>();
            again.subscribe("splitee/+/features", 1, redelivered::add);
            try {
                again.start();
                Incoming r = redelivered.poll(1500, TimeUnit.MILLISECONDS);
                assertNull(r, () -> "every frame was acknowledged, yet the broker redelivered '"
                        + new String(r.payload(), StandardCharsets.UTF_8) + "'");
            } finally {
                again.close();
                dev.close();
            }
            assertFalse(answers.byKey.isEmpty());
        }
    }

    private static ResultMessage overloaded(String sampleId) {
        return new ResultMessage(sampleId, "r1", "m", ResultMessage.Status.OVERLOADED, null,
                ResultMessage.Location.GATEWAY, 0, null, null, null,
                new ResultMessage.Timings(null, null, Duration.ZERO, null),
                new ResultMessage.ErrorInfo(Intake.OVERLOADED, "test"));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
