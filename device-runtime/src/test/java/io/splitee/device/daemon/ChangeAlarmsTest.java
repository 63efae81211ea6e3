package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitee.device.cost.CostEstimates;
import io.splitee.device.status.DeviceStatus;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Observation;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Policies;
import io.splitee.engine.Policy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The learner with a real engine policy ({@code detect=ph}) on a stream that changes: the alarm is counted in
 * {@code splitee.device.policy.changes.detected} at the record that fires it and logged once; a reset (the button's
 * long press) neither lowers the count nor counts an alarm twice.
 */
class ChangeAlarmsTest {

    /**
     * The engine's ChangeDetectorTest stream on 3 live exits (α = 3/4, λ = 1/16, o = 1/4): arm 3 is best before the
     * change, arm 1 after it; with threshold 1 arm 1's test fires within a few observations after the change.
     */
    private static final double[] BEFORE = {0.5, 0.5, 0.9};
    private static final double[] AFTER = {0.9, 0.9, 0.9};
    private static final String SPEC = "splitee-s:side=learned,detect=ph,detect-threshold=1,refocus=0.1";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeviceMetrics metrics = new DeviceMetrics(registry, 3, new CostEstimates(3, 0.1),
            new DeviceStatus("dev", SPEC, 3, System::nanoTime));
    private final EngineConfig config = new EngineConfig(3, 0.75, new PaperCost(0.0625, 0.25));
    private final ChangeAlarms changes = new ChangeAlarms(metrics.changesDetected, "dev");

    private Counter counter() {
        return registry.get("splitee.device.policy.changes.detected").counter();
    }

    /** One sample as the worker runs it: choose, execute against the live exits, record when answered. */
    private static void sample(Learner learner, double[] row) {
        Observation o = learner.execute(learner.choose(), exit -> row[exit - 1]);
        if (o.offloads()) {
            learner.answered(o, row[2]);
        } else {
            learner.exited(o);
        }
    }

    @Test
    void theAlarmIsCountedAndLoggedAtTheRecordThatFiresIt() {
        Learner learner = new Learner(Policies.parse(SPEC, config), config, ArmMapping.of(false), changes, () -> { });
        assertTrue(registry.getMeters().stream().filter(m -> m.getId().getName()
                .equals("splitee.device.policy.changes.detected")).allMatch(m -> m.getId().getTags().isEmpty()), "no tags");
        for (int t = 1; t <= 2000; t++) {
            sample(learner, BEFORE);
        }
        assertEquals(0, counter().count(), "no alarm on the stationary stream");
        assertEquals(List.of(), changes.rounds());
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int t = 2000;
        try {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            while (learner.policy().changesDetected() == 0 && t < 2300) {
                assertEquals(0, counter().count(), "round " + t);
                t++;
                sample(learner, AFTER);
            }
        } finally {
            System.setErr(err);
        }
        Policy p = learner.policy();
        assertEquals(1, p.changesDetected(), "the detector fired after the change, by round " + t);
        assertEquals(1, counter().count(), "counted at the record that fired it");
        assertEquals(List.of(p.lastChangeRound()), changes.rounds());
        assertTrue(p.lastChangeRound() > 2000 && p.lastChangeRound() <= t, "round " + p.lastChangeRound());
        String logged = log.toString(StandardCharsets.UTF_8);
        String line = "device dev: the policy's change detector fired at policy round " + p.lastChangeRound()
                + " (1 alarm(s) since the policy was made or restored); the policy restarted its statistics";
        assertTrue(logged.contains("INFO") && logged.contains(line), logged);
        assertEquals(logged.indexOf(line), logged.lastIndexOf(line), "logged once");
        for (int k = 0; k < 200; k++) {
            sample(learner, AFTER);
        }
        assertEquals(1, counter().count(), "nothing more while the world stays as it is");
    }

    /**
     * A reset after an alarm: the fresh policy's count is 0, the counter keeps the old alarm and counts the new
     * policy's first alarm as the second one (neither lowered nor counted twice nor missed).
     */
    @Test
    void aResetKeepsTheCountAndCountsTheNewPolicysAlarms() {
        Learner learner = new Learner(Policies.parse(SPEC, config), config, ArmMapping.of(false), changes, () -> { });
        int t = 0;
        while (learner.policy().changesDetected() == 0 && t < 2300) {
            t++;
            sample(learner, t <= 2000 ? BEFORE : AFTER);
        }
        assertEquals(1, counter().count());
        learner.reset();
        assertEquals(0, learner.policy().changesDetected(), "a fresh policy");
        for (int k = 0; k < 2000; k++) {
            sample(learner, AFTER);
        }
        assertEquals(1, counter().count(), "the reset counts nothing; the old alarm stays counted");
        int k = 0;
        while (learner.policy().changesDetected() == 0 && k < 300) {
            k++;
            sample(learner, BEFORE);
        }
        assertEquals(1, learner.policy().changesDetected(), "the new policy fired after the change back");
        assertEquals(2, counter().count(), "its first alarm is the process's second");
        assertEquals(2, changes.rounds().size());
        assertEquals(learner.policy().lastChangeRound(), changes.rounds().get(1));
    }

    /** A policy without a change detector: the counter stays at 0 whatever the stream does. */
    @Test
    void noDetectorNoAlarm() {
        Learner learner = new Learner(Policies.parse("splitee-s:side=learned", config), config, ArmMapping.of(false),
                changes, () -> { });
        for (int t = 1; t <= 2300; t++) {
            sample(learner, t <= 2000 ? BEFORE : AFTER);
        }
        assertEquals(0, counter().count());
        assertEquals(List.of(), changes.rounds());
    }
}
