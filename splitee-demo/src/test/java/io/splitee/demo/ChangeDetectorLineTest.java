package io.splitee.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's "change detector" settings line, from the device's counter and alarm rounds. */
class ChangeDetectorLineTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Counter alarms = Counter.builder("splitee.device.policy.changes.detected").register(registry);

    @Test
    void aPolicyWithoutDetectPhHasNone() {
        alarms.increment(); // not read: the policy has no detector
        assertEquals("no change detector (policy has no detect=ph)",
                DemoCommand.changeDetector("splitee-s", registry, List.of()));
        assertEquals("no change detector (policy has no detect=ph)",
                DemoCommand.changeDetector("splitee-s:leave=first", registry, List.of()));
    }

    @Test
    void theAlarmsOfTheRunWithTheirRounds() {
        String spec = "splitee-s:side=learned,detect=ph,refocus=0.1";
        assertEquals("detect=ph: 0 alarms during the run", DemoCommand.changeDetector(spec, registry, List.of()));
        alarms.increment();
        assertEquals("detect=ph: 1 alarm during the run, at policy round 812 (round r: the r-th sample the device "
                + "computed); after each the policy started its statistics over",
                DemoCommand.changeDetector(spec, registry, List.of(812L)));
        alarms.increment();
        assertEquals("detect=ph: 2 alarms during the run, at policy rounds 812, 1530 (round r: the r-th sample the "
                + "device computed); after each the policy started its statistics over",
                DemoCommand.changeDetector(spec, registry, List.of(812L, 1530L)));
        assertEquals("detect=ph: 2 alarms during the run; after each the policy started its statistics over",
                DemoCommand.changeDetector(spec, registry, List.of()));
    }

    @Test
    void aDeviceWithoutTheCounterIsSaidSo() {
        assertEquals("detect=ph: alarms not counted (the device has no splitee.device.policy.changes.detected)",
                DemoCommand.changeDetector("splitee:detect=ph", new SimpleMeterRegistry(), List.of()));
    }
}
