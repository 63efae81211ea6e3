package io.splitee.device.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceStatusTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    /** Records what listeners are told, and on which thread. */
    static final class Recorder implements StatusListener {
        final List<DeviceState> states = new CopyOnWriteArrayList<>();
        final List<Integer> offloads = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void stateChanged(Status s) {
            states.add(s.state());
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void offloaded(int arm) {
            offloads.add(arm);
        }
    }

    static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void statesFollowTheDaemonAndListenersAreToldEachChangeOnceOnTheStatusThread() throws Exception {
        Recorder r = new Recorder();
        try (DeviceStatus s = new DeviceStatus("cam1", "splitee-s", 12, now::get)) {
            s.addListener(r);
            assertEquals(DeviceState.STARTING, s.state());
            s.serving();
            s.gateway(false);
            s.gateway(false); // no change, nothing told
            s.gateway(true);
            s.stopping();
            s.close();
            s.close(); // idempotent
            await(() -> r.states.size() >= 5);
            assertEquals(List.of(DeviceState.STARTING, DeviceState.SERVING, DeviceState.FALLBACK, DeviceState.SERVING,
                    DeviceState.STOPPING, DeviceState.STOPPED), r.states);
            assertTrue(r.threads.stream().allMatch("splitee-cam1-status"::equals), r.threads.toString());
        }
    }

    @Test
    void overloadedHoldsForASecondByTheInjectedClockAndTheWayBackIsTold() throws Exception {
        Recorder r = new Recorder();
        try (DeviceStatus s = new DeviceStatus("cam1", "splitee", 12, now::get)) {
            s.serving();
            s.addListener(r);
            s.overloaded();
            await(() -> r.states.contains(DeviceState.OVERLOADED));
            assertEquals(DeviceState.OVERLOADED, s.state());
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(DeviceStatus.OVERLOADED_FOR_MS));
            assertEquals(DeviceState.SERVING, s.state());
            // told without any further event (a re-check is scheduled past the hold)
            await(() -> r.states.get(r.states.size() - 1) == DeviceState.SERVING && r.states.size() >= 3);
            assertEquals(1, s.snapshot().overloaded());
        }
    }

    @Test
    void errorWinsOverEverythingButStaysErrorWhenClosed() throws Exception {
        DeviceStatus s = new DeviceStatus("cam1", "splitee", 12, now::get);
        s.serving();
        s.gateway(false);
        s.failed();
        assertEquals(DeviceState.ERROR, s.state());
        s.close();
        assertEquals(DeviceState.ERROR, s.state());
    }

    @Test
    void snapshotCountsArmsOffloadsAndAnswers() throws Exception {
        Recorder r = new Recorder();
        try (DeviceStatus s = new DeviceStatus("cam1", "fixed:3", 12, now::get)) {
            s.addListener(r);
            s.serving();
            for (int arm : new int[] {3, 3, 5, 3, 0}) {
                s.sample();
                s.armPlayed(arm);
            }
            s.offloaded(5);
            s.answered(true);
            s.answered(false);
            s.error();
            Status st = s.snapshot();
            assertEquals(5, st.samples());
            assertEquals(3, st.mostPlayedArm());
            assertEquals(0, st.currentArm());
            assertEquals(1, st.offloaded());
            assertEquals(1, st.answeredOnDevice());
            assertEquals(1, st.errors());
            assertEquals("fixed:3", st.policy());
            await(() -> r.offloads.equals(List.of(5)));
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheOthers() throws Exception {
        Recorder r = new Recorder();
        try (DeviceStatus s = new DeviceStatus("cam1", "splitee", 12, now::get)) {
            s.addListener(new StatusListener() {
                @Override
                public void offloaded(int arm) {
                    throw new IllegalStateException("broken LED");
                }
            });
            s.addListener(r);
            s.offloaded(2);
            await(() -> r.offloads.equals(List.of(2)));
        }
    }

    @Test
    void theSummaryIsOneLineWithTheCountsThatMatter() {
        Status.Arms arms = new Status.Arms(2, 2);
        assertEquals("starting: 0 samples, 0 offloaded, gateway up", new Status("cam1", DeviceState.STARTING, "splitee",
                arms, new Status.Counts(0, 0, 0, 0, 0), true).summary());
        assertEquals("serving: 1234 samples, 61% answered on device, 480 offloaded, gateway up", new Status("cam1",
                DeviceState.SERVING, "splitee", arms, new Status.Counts(1234, 753, 480, 0, 0), true).summary());
        assertEquals("fallback: 10 samples, 100% answered on device, 3 offloaded, 1 overloaded, 2 errors, gateway down",
                new Status("cam1", DeviceState.FALLBACK, "splitee", arms, new Status.Counts(10, 10, 3, 1, 2), false)
                        .summary());
    }
}
