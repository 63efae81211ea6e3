package io.splitee.device.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.config.DeviceConfig;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On a real Raspberry Pi only (tag {@code hardware}, excluded by default): a LED on BCM 17, a button on BCM 26 to
 * ground and an INA219 at 0x40 on {@code /dev/i2c-1}, through Pi4J's gpiod and Linux-fs providers. Pins and
 * address can be changed with {@code -Dsplitee.hw.led=N}, {@code -Dsplitee.hw.button=N},
 * {@code -Dsplitee.hw.ina219=0x41}. Run: {@code ./test -pl device-runtime -am -Dtest.excludedGroups=none
 * -Dgroups=hardware -Dtest=BoardHardwareTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs} (README).
 */
@Tag("hardware")
class BoardHardwareTest {
    static final int LED = Integer.getInteger("splitee.hw.led", 17);
    static final int BUTTON = Integer.getInteger("splitee.hw.button", 26);
    static final int INA219 = Integer.decode(System.getProperty("splitee.hw.ina219", "0x40"));

    @Test
    void theLedBlinksFiveTimes() throws Exception {
        try (Pi4jGpio gpio = Pi4jGpio.board()) {
            Gpio.Output led = gpio.output("gpio.led.pin", LED, false);
            for (int i = 0; i < 5; i++) { // watch it: five blinks
                led.set(true);
                Thread.sleep(200);
                led.set(false);
                Thread.sleep(200);
            }
        }
    }

    @Test
    void theButtonIsReleasedThenPressedWithinTenSeconds() throws Exception {
        try (Pi4jGpio gpio = Pi4jGpio.board()) {
            Gpio.Input button = gpio.input("gpio.button.pin", BUTTON);
            assertTrue(!button.active(), "released: the pull-up holds the pin high");
            ButtonLogic logic = new ButtonLogic(50, 3000);
            long end = System.currentTimeMillis() + 10_000;
            ButtonLogic.Press p = ButtonLogic.Press.NONE;
            System.out.println("press the button on BCM " + BUTTON + " briefly");
            while (p == ButtonLogic.Press.NONE && System.currentTimeMillis() < end) {
                p = logic.sample(System.currentTimeMillis(), button.active());
                Thread.sleep(10);
            }
            assertEquals(ButtonLogic.Press.SHORT, p, "a short press within 10 s");
        }
    }

    @Test
    void theIna219ReadsThePisOwnSupply() throws Exception {
        try (Pi4jGpio gpio = Pi4jGpio.board()) {
            Ina219 ina = new Ina219(gpio.i2c("power.i2c-bus", 1, INA219), 0.1, 3.2);
            ina.start();
            Thread.sleep(5);
            Ina219.Reading r = ina.read();
            System.out.println("INA219: " + r);
            assertTrue(r.busVolts() > 4.5 && r.busVolts() < 5.5, "a Pi's 5 V supply: " + r);
            assertTrue(r.watts() > 0.5 && r.watts() < 15, "a Pi draws 0.5 to 15 W: " + r);
            assertEquals(r.busVolts() * r.amps(), r.watts(), 0.2 * r.watts() + 0.05, "P ≈ V × I");
        }
    }

    @Test
    void theWholeBoardOpensAndCloses() throws Exception {
        DeviceConfig.Gpio config = new DeviceConfig.Gpio(true,
                java.util.Optional.of(new DeviceConfig.Led(java.util.List.of(LED), false)),
                java.util.Optional.of(new DeviceConfig.Button(BUTTON, Duration.ofMillis(50), Duration.ofSeconds(3))),
                java.util.Optional.of(new DeviceConfig.Power(1, INA219, 0.1, 3.2, Duration.ofMillis(2))));
        Board board = Board.open(config, "hw", 4, Pi4jGpio.board());
        assertTrue(board.energy().isPresent());
        board.close();
        board.close();
    }
}
