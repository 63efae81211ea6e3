package io.splitee.device.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The INA219 driver against register values worked by hand from the datasheet (TI SBOS448G, section 8.5), on
 * Pi4J's mock I²C provider ({@link MockPi}: no I²C bus exists here; the mock keeps a queue of bytes per
 * register, so what the driver wrote is read back from it, and what it reads is queued first).
 */
class Ina219Test {
    private final Context context = MockPi.context();

    @AfterEach
    void close() {
        if (!context.isShutdown()) {
            context.shutdown();
        }
    }

    private static void queue(MockI2C chip, int register, int value) {
        chip.writeRegister(register, new byte[] {(byte) (value >>> 8), (byte) value}, 0, 2);
    }

    private static int written(MockI2C chip, int register) {
        byte[] b = new byte[2];
        assertEquals(2, chip.readRegister(register, b, 0, 2), "register " + register + " was written");
        return (b[0] & 0xff) << 8 | (b[1] & 0xff);
    }

    @Test
    void calibrationAsTheDatasheetWorksIt() {
        Gpio.Registers none = new Gpio.Registers() {
            @Override
            public int read(int register) {
                throw new AssertionError();
            }

            @Override
            public void write(int register, int value) {
                throw new AssertionError();
            }
        };
        // 0.1 Ω, 3.2768 A: Current_LSB = 3.2768 / 2^15 = 100 µA; Cal = trunc(0.04096 / (100e-6 × 0.1)) = 4096 = 0x1000;
        // Power_LSB = 20 × 100 µA = 2 mW
        Ina219 round = new Ina219(none, 0.1, 3.2768);
        assertEquals(0x1000, round.calibration());
        assertEquals(100e-6, round.currentLsb(), 1e-12);
        assertEquals(2e-3, round.powerLsb(), 1e-12);
        // 0.1 Ω, 3.2 A (the key defaults): Current_LSB = 3.2 / 32768 = 97.65625 µA; 0.04096 / 9.765625e-6 = 4194.304,
        // truncated 4194 = 0x1062; readings use 0.04096 / (4194 × 0.1) = 97.6633 µA per bit
        Ina219 defaults = new Ina219(none, 0.1, 3.2);
        assertEquals(0x1062, defaults.calibration());
        assertEquals(0.04096 / 419.4, defaults.currentLsb(), 1e-12);
        assertEquals(20 * 0.04096 / 419.4, defaults.powerLsb(), 1e-12);
        // 0.01 Ω, 10 A: Current_LSB = 305.176 µA; 0.04096 / 3.05176e-6 = 13421.77 → 13421, odd: bit 0 is read-only → 13420
        assertEquals(13420, new Ina219(none, 0.01, 10).calibration());
        assertThrows(IllegalArgumentException.class, () -> new Ina219(none, 0.1, 0.0001), "calibration beyond 16 bits");
    }

    @Test
    void startWritesConfigurationAndCalibrationAndReadingsFollowTheLsbs() throws Exception {
        Gpio.Registers regs = Pi4jGpio.on(context).i2c("power.i2c-address", 1, 0x40);
        MockI2C chip = MockPi.i2c(context, 1, 0x40);
        Ina219 ina = new Ina219(regs, 0.1, 3.2768);
        ina.start(); // the configuration register is read back from the mock's queue
        assertEquals(0x1000, written(chip, Ina219.CALIBRATION));

        // a 5 V bus and 40 mV across 0.1 Ω: 0.4 A, 2 W. Datasheet: bus register = 5 V / 4 mV = 1250 << 3 = 0x2710;
        // shunt register = 40 mV / 10 µV = 4000 = 0x0FA0; current register = shunt × Cal / 4096 = 4000 (× 100 µA =
        // 0.4 A); power register = current × bus / 5000 = 4000 × 1250 / 5000 = 1000 (× 2 mW = 2 W)
        queue(chip, Ina219.BUS_VOLTAGE, 0x2710);
        queue(chip, Ina219.SHUNT_VOLTAGE, 0x0FA0);
        queue(chip, Ina219.CURRENT, 4000);
        queue(chip, Ina219.POWER, 1000);
        Ina219.Reading r = ina.read();
        assertEquals(5.0, r.busVolts(), 1e-9);
        assertEquals(0.040, r.shuntVolts(), 1e-9);
        assertEquals(0.4, r.amps(), 1e-9);
        assertEquals(2.0, r.watts(), 1e-9);
        assertFalse(r.overflow());

        // reverse current: shunt −40 mV = 0xF060 (two's complement), current −4000 = 0xF060; overflow flag set
        queue(chip, Ina219.BUS_VOLTAGE, 0x2711);
        queue(chip, Ina219.SHUNT_VOLTAGE, 0xF060);
        queue(chip, Ina219.CURRENT, 0xF060);
        queue(chip, Ina219.POWER, 1000);
        Ina219.Reading back = ina.read();
        assertEquals(-0.040, back.shuntVolts(), 1e-9);
        assertEquals(-0.4, back.amps(), 1e-9);
        assertTrue(back.overflow());

        queue(chip, Ina219.POWER, 2500); // 2500 × 2 mW
        assertEquals(5.0, ina.watts(), 1e-9);
    }

    @Test
    void aChipThatDoesNotReadBackItsConfigurationIsRefused() throws Exception {
        Gpio.Registers regs = Pi4jGpio.on(context).i2c("power.i2c-address", 1, 0x41);
        MockI2C chip = MockPi.i2c(context, 1, 0x41);
        queue(chip, Ina219.CONFIGURATION, 0x1234); // something else answers at this address
        IOException e = assertThrows(IOException.class, () -> new Ina219(regs, 0.1, 3.2).start());
        assertTrue(e.getMessage().contains("0x1234"), e.getMessage());
    }
}
