package io.splitee.device.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.status.DeviceStatus;
import io.splitee.device.status.Status;
import io.splitee.metrics.MetricsEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The button: debounce and long press on a hand-driven clock, then through {@link Board} on a Pi4J mock input
 * ({@link MockPi}: no GPIO exists here) in real time.
 */
class ButtonTest {
    private final Context context = MockPi.context();

    @AfterEach
    void close() {
        if (!context.isShutdown()) {
            context.shutdown();
        }
    }

    /** Samples {@code logic} every 10 ms from {@code from} for {@code ms} with the pin at {@code level}. */
    private static List<String> hold(ButtonLogic logic, long from, long ms, boolean level) {
        List<String> presses = new ArrayList<>();
        for (long t = from; t < from + ms; t += 10) {
            ButtonLogic.Press p = logic.sample(t, level);
            if (p != ButtonLogic.Press.NONE) {
                presses.add(t + ":" + p);
            }
        }
        return presses;
    }

    @Test
    void bouncesAreIgnoredAndAPressCountsOnceSteady() throws GpioException {
        Gpio.Input in = Pi4jGpio.on(context).input("gpio.button.pin", 26);
        MockDigitalInput pin = MockPi.input(context, "gpio.button.pin", 26);
        MockPi.press(pin, false);
        ButtonLogic logic = new ButtonLogic(50, 3000);
        List<String> presses = new ArrayList<>();
        long t = 0;
        // contact bounce: the pin flips every 10 ms for 40 ms, then stays down 200 ms, bounces again, then up
        boolean[] bounce = {true, false, true, false};
        for (boolean b : bounce) {
            MockPi.press(pin, b);
            presses.addAll(hold(logic, t, 10, in.active()));
            t += 10;
        }
        MockPi.press(pin, true);
        presses.addAll(hold(logic, t, 200, in.active()));
        t += 200;
        assertTrue(logic.down(), "held steady for longer than the debounce");
        for (boolean b : bounce) {
            MockPi.press(pin, !b);
            presses.addAll(hold(logic, t, 10, in.active()));
            t += 10;
        }
        MockPi.press(pin, false);
        presses.addAll(hold(logic, t, 100, in.active()));
        assertEquals(List.of("330:SHORT"), presses, "one short press, at the release once it was steady");

        ButtonLogic glitch = new ButtonLogic(50, 3000);
        assertEquals(List.of(), hold(glitch, 0, 30, true), "a 30 ms glitch is no press");
        assertEquals(List.of(), hold(glitch, 30, 500, false));
    }

    @Test
    void aLongPressIsToldOnceWhileHeldAndNoShortPressFollows() {
        ButtonLogic logic = new ButtonLogic(50, 3000);
        List<String> presses = new ArrayList<>(hold(logic, 0, 5000, true));
        presses.addAll(hold(logic, 5000, 200, false));
        assertEquals(List.of("3000:LONG"), presses, "3 s after the press began");
        List<String> next = new ArrayList<>(hold(logic, 10_000, 800, true));
        next.addAll(hold(logic, 10_800, 100, false));
        assertEquals(List.of("10850:SHORT"), next, "the next, shorter press is a short press, at its steady release");
    }

    @Test
    void theBoardTurnsPressesIntoActionsAndLogsThem() throws Exception {
        DeviceConfig.Gpio config = new DeviceConfig.Gpio(true, Optional.empty(),
                Optional.of(new DeviceConfig.Button(26, Duration.ofMillis(20), Duration.ofSeconds(1))), Optional.empty());
        List<String> actions = new CopyOnWriteArrayList<>();
        try (DeviceStatus status = new DeviceStatus("b1", "splitee-s", 4, System::nanoTime);
             MetricsEndpoint metrics = new MetricsEndpoint();
             Board board = Board.open(config, "b1", 4, Pi4jGpio.on(context))) {
            MockPi.press(MockPi.input(context, "gpio.button.pin", 26), false); // Pi4J's mock input starts low
            status.serving();
            status.armPlayed(2);
            board.start(status, new Board.Actions() {
                @Override
                public void publishStatus(Status now) {
                    actions.add("status arm " + now.currentArm() + " on " + Thread.currentThread().getName());
                }

                @Override
                public void resetLearnedState() {
                    actions.add("reset on " + Thread.currentThread().getName());
                }
            }, metrics.registry());
            MockDigitalInput pin = MockPi.input(context, "gpio.button.pin", 26);
            MockPi.press(pin, true);
            Thread.sleep(150);
            MockPi.press(pin, false);
            await(() -> actions.size() == 1);
            assertEquals(List.of("status arm 2 on splitee-b1-gpio"), actions);
            MockPi.press(pin, true);
            await(() -> actions.size() == 2);
            MockPi.press(pin, false);
            Thread.sleep(100);
            assertEquals(List.of("status arm 2 on splitee-b1-gpio", "reset on splitee-b1-gpio"), actions,
                    "held 1 s: a reset, and no short press at the release");
            board.close();
            board.close(); // idempotent
        }
        assertTrue(context.isShutdown(), "Pi4J's context is shut down with the board");
    }

    static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
