package io.splitee.device.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfigBuilder;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputConfigBuilder;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CConfigBuilder;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Gpio} on Pi4J 2.x: the only Pi4J code of the daemon. On a board ({@link #board()}) the pins go through
 * libgpiod ({@code /dev/gpiochip0}; the service user needs the {@code gpio} group) and the sensor through
 * {@code /dev/i2c-<bus>} (the {@code i2c} group); tests pass a context on Pi4J's mock platform ({@link #on}).
 * {@link #close()} shuts the context down, which releases every pin (outputs to their shutdown state, dark).
 */
public final class Pi4jGpio implements Gpio {
    private static final Logger LOG = LoggerFactory.getLogger(Pi4jGpio.class);
    /** Pi4J's providers on a Raspberry Pi: libgpiod for pins (the kernel's current interface), Linux fs for I²C. */
    static final String DIGITAL_OUT = "gpiod-digital-output";
    static final String DIGITAL_IN = "gpiod-digital-input";
    static final String I2C_BUS = "linuxfs-i2c";

    private final Context context;
    private final boolean namedProviders;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pi4jGpio(Context context, boolean namedProviders) {
        this.context = Objects.requireNonNull(context, "context");
        this.namedProviders = namedProviders;
    }

    /**
     * Pi4J on this board: the plugins found on the class path (Raspberry Pi, gpiod, Linux fs), pins and bus
     * opened through the gpiod and Linux-fs providers by name.
     *
     * @throws GpioException naming {@code gpio.enabled} when Pi4J cannot start here
     */
    public static Pi4jGpio board() throws GpioException {
        try {
            return new Pi4jGpio(Pi4J.newAutoContext(), true);
        } catch (RuntimeException | LinkageError e) {
            throw new GpioException("gpio.enabled", "Pi4J cannot start on this machine: " + e, e);
        }
    }

    /** Pi4J on {@code context} (tests: Pi4J's mock platform and providers), pins and bus by its default providers. */
    public static Pi4jGpio on(Context context) {
        return new Pi4jGpio(context, false);
    }

    @Override
    public Output output(String key, int pin, boolean activeLow) throws GpioException {
        DigitalState dark = activeLow ? DigitalState.HIGH : DigitalState.LOW;
        DigitalOutputConfigBuilder b = DigitalOutput.newConfigBuilder(context).id(key.replace('.', '-') + "-" + pin)
                .name(key + " (BCM " + pin + ")").address(pin).initial(dark).shutdown(dark);
        if (namedProviders) {
            b.provider(DIGITAL_OUT);
        }
        DigitalOutput out = open(key, "BCM pin " + pin, () -> context.create(b));
        return on -> out.state(on != activeLow ? DigitalState.HIGH : DigitalState.LOW);
    }

    @Override
    public Input input(String key, int pin) throws GpioException {
        DigitalInputConfigBuilder b = DigitalInput.newConfigBuilder(context).id(key.replace('.', '-') + "-" + pin)
                .name(key + " (BCM " + pin + ")").address(pin).pull(PullResistance.PULL_UP);
        if (namedProviders) {
            b.provider(DIGITAL_IN);
        }
        DigitalInput in = open(key, "BCM pin " + pin, () -> context.create(b));
        return in::isLow;
    }

    @Override
    public Registers i2c(String key, int bus, int address) throws GpioException {
        I2CConfigBuilder b = I2C.newConfigBuilder(context).id("i2c-" + bus + "-" + Integer.toHexString(address))
                .name(key + " (bus " + bus + ", 0x" + Integer.toHexString(address) + ")").bus(bus).device(address);
        if (namedProviders) {
            b.provider(I2C_BUS);
        }
        I2C i2c = open(key, "I²C bus " + bus + " (/dev/i2c-" + bus + ")", () -> context.create(b));
        return new Registers() {
            private final byte[] buf = new byte[2];

            @Override
            public int read(int register) throws IOException {
                try {
                    int n = i2c.readRegister(register, buf, 0, 2);
                    if (n != 2) {
                        throw new IOException("register 0x" + Integer.toHexString(register) + ": read " + n + " of 2 bytes");
                    }
                } catch (RuntimeException e) {
                    throw new IOException("register 0x" + Integer.toHexString(register) + ": " + e.getMessage(), e);
                }
                return (buf[0] & 0xff) << 8 | (buf[1] & 0xff);
            }

            @Override
            public void write(int register, int value) throws IOException {
                byte[] data = {(byte) (value >>> 8), (byte) value};
                try {
                    int n = i2c.writeRegister(register, data, 0, 2);
                    if (n != 2) {
                        throw new IOException("register 0x" + Integer.toHexString(register) + ": wrote " + n + " of 2 bytes");
                    }
                } catch (RuntimeException e) {
                    throw new IOException("register 0x" + Integer.toHexString(register) + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private interface Opening<T> {
        T open();
    }

    private static <T> T open(String key, String what, Opening<T> opening) throws GpioException {
        try {
            return opening.open();
        } catch (RuntimeException | LinkageError e) {
            throw new GpioException(key, "cannot open " + what + ": " + e.getMessage()
                    + " (is the service user in the gpio and i2c groups? is it used by another program?)", e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!context.isShutdown()) {
                context.shutdown();
            }
        } catch (RuntimeException e) {
            LOG.warn("Pi4J did not shut down cleanly: {}", e.toString());
        }
    }
}
