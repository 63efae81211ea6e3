package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitee.gateway.batch.MicroBatcher;
import io.splitee.lifecycle.Heartbeats;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.testing.FakeSegmentRunner;
import io.splitee.testing.InMemoryTransport;
import io.splitee.testenv.LogCapture;
import io.splitee.wire.Frame;
import io.splitee.wire.ResultCodec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Frames past their MQTT message expiry (the device's offload deadline) are acknowledged, counted and not computed;
 * the others of the same batch are computed and answered. Times are given to the jobs, not measured.
 */
class StaleFramesTest {
    private static final Path MODEL = Path.of("../models/fmnist-resnet12");
    private static final long SECOND = 1_000_000_000L;

    private static Incoming message(Optional<Duration> expiry) {
        return new Incoming("splitee/cam/features", new byte[1], 1, false, false, Optional.of(Frame.CONTENT_TYPE),
                Optional.of("splitee/cam/replies"), new byte[0], List.of(), 0, expiry);
    }

    @Test
    void aJobExpiresAfterTheIntervalTheBrokerSentNeverWithoutOne() throws Exception {
        ServedModel m = new ServedModel(0, ModelPackage.load(MODEL));
        Frame f = frame(m, "s-1");
        long arrived = 123 * SECOND;
        Job one = Job.of(m, f, message(Optional.of(Duration.ofSeconds(1))), "cam", arrived);
        assertFalse(StaleFrames.expired(one, arrived + SECOND - 1));
        assertTrue(StaleFrames.expired(one, arrived + SECOND));
        Job zero = Job.of(m, f, message(Optional.of(Duration.ZERO)), "cam", arrived);
        assertTrue(StaleFrames.expired(zero, arrived), "0 left: resent by a broker after its expiry");
        Job none = Job.of(m, f, message(Optional.empty()), "cam", arrived);
        assertFalse(StaleFrames.expired(none, arrived + 100L * 365 * 24 * 3600 * SECOND));
        Job longest = Job.of(m, f, message(Optional.of(Duration.ofSeconds(0xFFFF_FFFFL))), "cam", Long.MAX_VALUE - 5);
        assertFalse(StaleFrames.expired(longest, Long.MAX_VALUE - 5 + 1000 * SECOND), "nanoTime wraps; still fine");
    }

    @Test
    void expiredFramesOfABatchAreAcknowledgedNotComputedTheOthersAreAnswered() throws Exception {
        ServedModel m = new ServedModel(0, ModelPackage.load(MODEL));
        int[] sizes = new int[m.depth + 1];
        for (int b = 0; b <= m.depth; b++) {
            sizes[b] = m.tensorAfterBlock.get(b).elementCount();
        }
        FakeSegmentRunner runner = new FakeSegmentRunner(m.classes, sizes);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(registry, () -> 0);
        InMemoryTransport transport = new InMemoryTransport("gw");
        transport.start();
        transport.subscribe("$share/gateways/splitee/+/features", 1, msg -> { });
        MicroBatcher<Job.Key, Job> batcher = new MicroBatcher<>(16, 16, Duration.ZERO);
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.INFO), StaleFrames.class);
             Answers answers = new Answers(transport, null, metrics, "test-answers", 16, 16, 16)) {
            StaleFrames stale = new StaleFrames(metrics.expired, answers);
            long now = System.nanoTime();
            Job.Key key = new Job.Key(m, 1);
            for (String id : List.of("late-1", "fresh-1", "late-2", "fresh-2")) {
                Incoming delivered = transport.deliver(message(Optional.of(Duration.ofSeconds(1))));
                boolean late = id.startsWith("late");
                // arrived 5 s ago with 1 s left (late) or just now with an hour left
                long arrived = late ? now - 5 * SECOND : now;
                assertTrue(batcher.offer(key, new Job(m, frame(m, id), delivered, "cam", arrived,
                        late ? arrived + SECOND : arrived + 3600 * SECOND)));
            }
            batcher.close();
            new Worker(batcher, List.of(runner), answers, metrics, new Heartbeats(System::nanoTime).register("w"),
                    stale).run();
            assertTrue(answers.awaitSettled(Duration.ofSeconds(10)));
            List<Outgoing> replies = transport.published("splitee/cam/replies");
            List<String> answered = new ArrayList<>();
            for (Outgoing o : replies) {
                answered.add(ResultCodec.parse(o.payload()).sampleId());
            }
            assertEquals(List.of("fresh-1", "fresh-2"), answered.stream().sorted().toList());
            assertEquals(2.0, metrics.expired.count());
            assertEquals(2.0, metrics.answersOk.count());
            assertEquals(0, transport.unacknowledged(), "all four acknowledged");
            assertEquals(1, runner.exitCalls(m.depth), "one batch, of the two fresh frames");
            assertEquals(1, log.count(LogCapture.Level.INFO, "skipped as expired"), "one line for both: " + log);
        }
    }

    private static Frame frame(ServedModel m, String id) {
        return Frame.features(m.id, m.hash, 1, m.tensorAfterBlock.get(1), id, Instant.now(),
                FloatBuffer.allocate(m.tensorAfterBlock.get(1).elementCount()));
    }
}
