package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.config.DeviceConfig;
import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.mqtt.Incoming;
import io.splitee.testing.InMemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The offload bookkeeping with a manual scheduler: deadlines, replies, fallback and payload choice. */
class OffloadsTest {
    final List<Runnable> scheduled = new ArrayList<>();
    final List<Runnable> cancelled = new ArrayList<>();

    Offloads offloads(DeviceConfig.Offload.Fallback fallback, MeasuredCosts.PayloadRule rule, MeasuredCosts m) {
        DeviceConfig.Offload c = new DeviceConfig.Offload(new DeviceConfig.Format(io.splitee.wire.Encoding.FP32, false),
                Duration.ofMillis(500), fallback, 2,
                Duration.ofSeconds(1), rule);
        return new Offloads(c, m, (after, task) -> {
            assertEquals(Duration.ofMillis(500), after);
            scheduled.add(task);
            return () -> cancelled.add(task);
        });
    }

    static Sample sample(String id, int arm) {
        Sample s = new Sample(id, null, 0, 3, false);
        s.arm = arm;
        return s;
    }

    @Test
    void pendingInOrderAnsweredOnceDeadlineCancelled() {
        Offloads o = offloads(DeviceConfig.Offload.Fallback.COMPLETE, MeasuredCosts.PayloadRule.FEATURES, null);
        Sample a = sample("a", 1);
        Sample b = sample("b", 2);
        Runnable onA = () -> { };
        o.add(a, onA);
        o.add(b, () -> { });
        assertTrue(o.full());
        assertSame(a, o.oldest());
        assertEquals(List.of("a", "b"), o.ids());
        assertSame(a, o.answered("a"));
        assertEquals(List.of(onA), cancelled);
        assertNull(o.answered("a"), "a second answer is late");
        assertFalse(o.remove(a), "its deadline finds it answered");
        assertTrue(o.remove(b));
        assertTrue(o.isEmpty());
    }

    @Test
    void aRedeliveryTakesOverThePendingSample() {
        Offloads o = offloads(DeviceConfig.Offload.Fallback.COMPLETE, MeasuredCosts.PayloadRule.FEATURES, null);
        Sample a = sample("a", 1);
        o.add(a, () -> { });
        Incoming m = InMemoryTransport.message("t", new byte[0], null);
        assertTrue(o.takeOver("a", m));
        assertSame(m, a.source);
        assertFalse(o.takeOver("z", m));
    }

    @Test
    void fallbackCompletesOrDegradesButTheRawSampleArmAlwaysCompletes() {
        Offloads degraded = offloads(DeviceConfig.Offload.Fallback.DEGRADED, MeasuredCosts.PayloadRule.FEATURES, null);
        assertFalse(degraded.completes(sample("a", 2)));
        assertTrue(degraded.completes(sample("b", 0)));
        assertTrue(offloads(DeviceConfig.Offload.Fallback.COMPLETE, MeasuredCosts.PayloadRule.FEATURES, null)
                .completes(sample("c", 2)));
    }

    @Test
    void payloadIsTheConfiguredOneInPaperModeAndTheCheapestWithOccasionalExplorationWhenMeasured() {
        assertEquals(MeasuredCosts.Payload.RAW, offloads(DeviceConfig.Offload.Fallback.COMPLETE,
                MeasuredCosts.PayloadRule.RAW, null).payloadFor(2));
        assertEquals(MeasuredCosts.Payload.FEATURES, offloads(DeviceConfig.Offload.Fallback.COMPLETE,
                MeasuredCosts.PayloadRule.AUTO, null).payloadFor(2));
        // features after block 2 are tiny, the raw sample huge: features are cheapest
        MeasuredCosts m = new MeasuredCosts(new CostEstimates(3, 0.1), 0.1, 0.1, MeasuredCosts.PayloadRule.AUTO,
                new MeasuredCosts.PayloadBytes(a -> 10, 1_000_000), false);
        Offloads o = offloads(DeviceConfig.Offload.Fallback.COMPLETE, MeasuredCosts.PayloadRule.AUTO, m);
        int raw = 0;
        for (int i = 1; i <= 3 * Offloads.PAYLOAD_EXPLORE_EVERY; i++) {
            raw += o.payloadFor(2) == MeasuredCosts.Payload.RAW ? 1 : 0;
        }
        assertEquals(3, raw, "every tenth offload sends the other payload");
        assertEquals(MeasuredCosts.Payload.RAW, o.payloadFor(0), "the raw-sample arm sends the sample");
    }
}
