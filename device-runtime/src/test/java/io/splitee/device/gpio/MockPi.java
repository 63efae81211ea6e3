package io.splitee.device.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProviderImpl;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * Pi4J's mock platform and providers: the GPIO and I²C of the tests, because no GPIO exists on the machines that
 * run them. Pins are Pi4J's {@code MockDigitalOutput}/{@code MockDigitalInput}; the I²C device is Pi4J's
 * {@code MockI2C} (a queue of bytes per register), or, for the daemon, a {@link SimulatedIna219} on the same
 * mock provider whose power follows a supplier.
 */
public final class MockPi {
    private MockPi() {
    }

    /** A Pi4J context on the mock platform, with Pi4J's mock I²C. */
    public static Context context() {
        return Pi4J.newContextBuilder().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance(),
                        MockI2CProvider.newInstance())
                .build();
    }

    /** A Pi4J context on the mock platform with pins and no I²C at all (a board without {@code /dev/i2c-1}). */
    public static Context withoutI2c() {
        return Pi4J.newContextBuilder().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                .build();
    }

    /** A Pi4J context on the mock platform whose I²C devices are INA219s drawing {@code watts} at 5 V. */
    public static Context withIna219(DoubleSupplier watts) {
        return Pi4J.newContextBuilder().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance(),
                        new MockI2CProviderImpl() {
                            @Override
                            public I2C create(I2CConfig config) {
                                SimulatedIna219 chip = new SimulatedIna219(this, config, watts);
                                this.context.registry().add(chip);
                                return chip;
                            }
                        })
                .build();
    }

    /** The mock output that {@link Pi4jGpio#output} made for {@code key} on {@code pin}. */
    public static DigitalOutput output(Context c, String key, int pin) {
        return c.io(key.replace('.', '-') + "-" + pin, DigitalOutput.class);
    }

    /** The mock input that {@link Pi4jGpio#input} made for {@code key} on {@code pin}. */
    public static MockDigitalInput input(Context c, String key, int pin) {
        return (MockDigitalInput) c.io(key.replace('.', '-') + "-" + pin, DigitalInput.class);
    }

    /** The mock I²C device at {@code address} on {@code bus}. */
    public static MockI2C i2c(Context c, int bus, int address) {
        return (MockI2C) c.io("i2c-" + bus + "-" + Integer.toHexString(address), I2C.class);
    }

    /** Presses ({@code true}) or releases the button on a mock input (active low: pressed pulls the pin low). */
    public static void press(MockDigitalInput in, boolean down) {
        in.mockState(down ? DigitalState.LOW : DigitalState.HIGH);
    }

    /** Every state an output goes through, in order. */
    public static List<Boolean> record(DigitalOutput out) {
        List<Boolean> states = new CopyOnWriteArrayList<>();
        out.addListener(e -> states.add(e.state().isHigh()));
        return states;
    }

    /**
     * An INA219 on Pi4J's mock I²C provider: configuration and calibration registers as written; shunt voltage,
     * current and power computed as the chip does (datasheet equations 3 and 4) from the power the supplier
     * gives at a 5 V bus and a 0.1 Ω shunt.
     */
    static final class SimulatedIna219 extends MockI2C {
        private final DoubleSupplier watts;
        private final int[] written = new int[6];

        SimulatedIna219(com.pi4j.io.i2c.I2CProvider provider, I2CConfig config, DoubleSupplier watts) {
            super(provider, config);
            this.watts = watts;
        }

        @Override
        public synchronized int writeRegister(int register, byte[] data, int offset, int length) {
            written[register] = (data[offset] & 0xff) << 8 | (data[offset + 1] & 0xff);
            return length;
        }

        @Override
        public synchronized int readRegister(int register, byte[] buffer, int offset, int length) {
            double amps = watts.getAsDouble() / 5.0;
            int shunt = (int) Math.round(amps * 0.1 / 10e-6); // 10 µV per bit
            int current = shunt * written[Ina219.CALIBRATION] / 4096;
            int value = switch (register) {
                case Ina219.BUS_VOLTAGE -> (1250 << 3) | 0b10; // 5.000 V, conversion ready
                case Ina219.SHUNT_VOLTAGE -> shunt;
                case Ina219.CURRENT -> current;
                case Ina219.POWER -> current * 1250 / 5000;
                default -> written[register];
            };
            buffer[offset] = (byte) (value >>> 8);
            buffer[offset + 1] = (byte) value;
            return 2;
        }
    }
}
