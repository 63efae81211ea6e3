package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.Outgoing;
import io.splitee.wire.ResultMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An offload's round trip ends when the gateway's answer arrives, not when the worker is free to handle it:
 * the answer to sample a arrives while sample b's first block takes {@value #SLOW_MS} ms (the fake runner's
 * hook), and a's result reports a link time well under that. Measured the old way (at handling), the
 * device's queue was counted as link time: an emulated Pi 4 at 50 samples/s measured 96 ms links on a 5 ms
 * profile and stopped offloading.
 */
class ReplyArrivalTest {
    private static final long SLOW_MS = 600;

    @TempDir
    Path temp;

    @Test
    void theRoundTripEndsWhenTheAnswerArrives() throws Exception {
        AtomicBoolean slow = new AtomicBoolean();
        CountDownLatch inSlowBlock = new CountDownLatch(1);
        try (DeviceHarness h = new DeviceHarness(temp, Map.of("policy", "fixed:1", "policy.threshold", "1.0",
                "offload.deadline", "10s"), r -> r.defaultConfidence(0.5).onBlock(() -> {
                    if (slow.compareAndSet(true, false)) {
                        inSlowBlock.countDown();
                        try {
                            Thread.sleep(SLOW_MS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }))) {
            h.send(0, "a");
            List<Outgoing> offloads = h.transport.awaitPublished(h.config.featuresTopic(), 1, Duration.ofSeconds(10));
            slow.set(true);
            h.send(1, "b");
            assertTrue(inSlowBlock.await(10, TimeUnit.SECONDS), "b's slow block started");
            h.reply(offloads.get(0), 3, 0.9); // arrives while the worker computes b
            ResultMessage a = h.awaitResults(1).get(0);
            assertEquals("a", a.sampleId());
            assertEquals(ResultMessage.Location.GATEWAY, a.computedAt());
            long link = a.timings().link().toMillis();
            long endToEnd = a.timings().endToEnd().toMillis();
            assertTrue(endToEnd >= SLOW_MS / 2, "a waited for b's block: end to end " + endToEnd + " ms");
            assertTrue(link < SLOW_MS / 2, "link " + link + " ms counts b's compute (end to end " + endToEnd + " ms)");
            h.reply(h.transport.awaitPublished(h.config.featuresTopic(), 2, Duration.ofSeconds(10)).get(1), 3, 0.9);
            h.awaitResults(2); // nothing pending at close
        }
    }
}
