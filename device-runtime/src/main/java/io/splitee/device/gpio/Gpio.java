package io.splitee.device.gpio;

import java.io.IOException;

/**
 * What the daemon needs of a board's GPIO and I²C, as three small interfaces, the way Pi4J 2.x puts its own
 * platforms behind providers: {@link Pi4jGpio} implements it on Pi4J (a board, or Pi4J's mock platform in tests).
 * Each {@code open} names the configuration key it serves, so a failure becomes one line naming it.
 */
public interface Gpio extends AutoCloseable {

    /** A digital output, on while lit. */
    interface Output {
        /** Lights ({@code true}) or darkens the LED on this pin. */
        void set(boolean on);
    }

    /** A digital input with its pull-up enabled, active while pulled to ground (a button to ground). */
    interface Input {
        /** Whether the pin is pulled low now (the button is down). */
        boolean active();
    }

    /** A device of 16-bit big-endian registers on I²C (the INA219). Calls block the caller for the transfer. */
    interface Registers {
        /** Reads register {@code register} as an unsigned 16-bit value. */
        int read(int register) throws IOException;

        /** Writes the 16-bit {@code value} to register {@code register}. */
        void write(int register, int value) throws IOException;
    }

    /**
     * Opens BCM pin {@code pin} as an output, initially dark.
     *
     * @param key       the configuration key, for the message
     * @param activeLow whether the LED lights while the pin is low
     */
    Output output(String key, int pin, boolean activeLow) throws GpioException;

    /** Opens BCM pin {@code pin} as an input with its pull-up. */
    Input input(String key, int pin) throws GpioException;

    /** Opens the device at 7-bit {@code address} on bus {@code bus}. */
    Registers i2c(String key, int bus, int address) throws GpioException;

    /** Releases every pin and bus (outputs go dark). Idempotent. */
    @Override
    void close();
}
