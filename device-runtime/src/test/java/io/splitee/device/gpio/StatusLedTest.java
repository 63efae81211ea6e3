package io.splitee.device.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import io.splitee.device.status.DeviceState;
import io.splitee.device.status.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The LED's patterns for each daemon state, as the sequence of pin states a Pi4J mock output goes through
 * ({@link MockPi}: no GPIO exists here), drawn every 10 ms on a hand-driven clock.
 */
class StatusLedTest {
    private final Context context = MockPi.context();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @AfterEach
    void close() {
        if (!context.isShutdown()) {
            context.shutdown();
        }
    }

    private static Status status(DeviceState s) {
        return new Status("d", s, "splitee-s", new Status.Arms(3, 3), new Status.Counts(0, 0, 0, 0, 0),
                s != DeviceState.FALLBACK);
    }

    /** Draws for {@code ms} and returns the times (ms after the start) at which the pin changed, and to what. */
    private List<String> run(StatusLed led, List<Boolean> pin, long ms) {
        List<String> changes = new ArrayList<>();
        long start = clock.get();
        for (long t = 0; t < ms; t += 10) {
            int before = pin.size();
            led.update();
            for (int i = before; i < pin.size(); i++) {
                changes.add((clock.get() - start) + (pin.get(i) ? "+" : "-"));
            }
            clock.addAndGet(10);
        }
        return changes;
    }

    private StatusLed single(List<Boolean> pin) throws GpioException {
        Gpio.Output out = Pi4jGpio.on(context).output("gpio.led.pin", 17, false);
        DigitalOutput mock = MockPi.output(context, "gpio.led.pin", 17);
        mock.addListener(e -> pin.add(e.state().isHigh()));
        return new StatusLed(Light.single(out), false, clock::get);
    }

    @Test
    void eachStateHasItsPatternOnOnePin() throws GpioException {
        List<Boolean> pin = new java.util.concurrent.CopyOnWriteArrayList<>();
        StatusLed led = single(pin);
        assertEquals(List.of("0+", "500-", "1000+", "1500-"), run(led, pin, 2000), "starting: 500 on, 500 off");

        led.stateChanged(status(DeviceState.SERVING));
        assertEquals(List.of("0+"), run(led, pin, 1000), "serving: steady");
        led.offloaded(3);
        assertEquals(List.of("0-", "40+"), run(led, pin, 200), "an offload: 40 ms dark");
        led.offloaded(3);
        clock.addAndGet(50);
        led.offloaded(3); // within 120 ms of the last flash: no second one
        assertEquals(List.of(), run(led, pin, 200), "flashes are at most one per 120 ms; the first ended");

        led.stateChanged(status(DeviceState.FALLBACK));
        assertEquals(List.of("100-", "200+", "300-", "1000+", "1100-", "1200+", "1300-"), run(led, pin, 2000),
                "fallback: double blink (it was already on at 0)");
        led.offloaded(1);
        assertEquals(List.of("0+", "100-", "200+", "300-"), run(led, pin, 1000), "no offload flash outside serving");

        led.stateChanged(status(DeviceState.OVERLOADED));
        assertEquals(List.of("0+", "100-", "200+", "300-"), run(led, pin, 400), "overloaded: 100 on, 100 off");

        led.stateChanged(status(DeviceState.ERROR));
        assertEquals(List.of("0+", "100-", "200+", "300-", "400+", "500-", "1000+"), run(led, pin, 1010),
                "error: three flashes a second");

        led.stateChanged(status(DeviceState.STOPPING));
        assertEquals(List.of("100-", "1000+", "1100-"), run(led, pin, 1500), "stopping: 100 on, 900 off");

        led.stateChanged(status(DeviceState.STOPPED));
        assertEquals(List.of(), run(led, pin, 1000), "stopped: dark (it was dark already)");
    }

    @Test
    void theArmIsBlinkedOnceThenTheStateAgain() throws GpioException {
        List<Boolean> pin = new java.util.concurrent.CopyOnWriteArrayList<>();
        StatusLed led = single(pin);
        led.stateChanged(status(DeviceState.SERVING));
        run(led, pin, 100);
        led.blinkArm(3);
        assertEquals(List.of("250-", "500+", "750-", "1000+", "1250-", "2000+"), run(led, pin, 2500),
                "three blinks, a pause, then serving again");
        led.blinkArm(0);
        assertEquals(List.of("1000-", "1750+"), run(led, pin, 2000), "arm 0: one long blink");
        led.blinkArm(-1);
        assertEquals(List.of(), run(led, pin, 500), "no arm yet: nothing");
    }

    @Test
    void anRgbLedShowsColours() throws GpioException {
        Pi4jGpio gpio = Pi4jGpio.on(context);
        List<Gpio.Output> pins = new ArrayList<>();
        for (int p : new int[] {17, 27, 22}) {
            pins.add(gpio.output("gpio.led.rgb", p, true)); // common anode: lit while low
        }
        DigitalOutput r = MockPi.output(context, "gpio.led.rgb", 17);
        DigitalOutput g = MockPi.output(context, "gpio.led.rgb", 27);
        DigitalOutput b = MockPi.output(context, "gpio.led.rgb", 22);
        StatusLed led = new StatusLed(Light.rgb(pins), true, clock::get);
        led.update();
        assertEquals(List.of(false, false, true), List.of(r.isHigh(), g.isHigh(), b.isHigh()), "starting: yellow");
        led.stateChanged(status(DeviceState.SERVING));
        led.update();
        assertEquals(List.of(true, false, true), List.of(r.isHigh(), g.isHigh(), b.isHigh()), "serving: green");
        led.offloaded(2);
        led.update();
        assertEquals(List.of(true, true, false), List.of(r.isHigh(), g.isHigh(), b.isHigh()), "offload: blue");
        led.stateChanged(status(DeviceState.ERROR));
        led.update();
        assertEquals(List.of(false, true, true), List.of(r.isHigh(), g.isHigh(), b.isHigh()), "error: red");
        led.stateChanged(status(DeviceState.STOPPED));
        led.update();
        assertEquals(List.of(true, true, true), List.of(r.isHigh(), g.isHigh(), b.isHigh()), "stopped: dark");
    }
}
