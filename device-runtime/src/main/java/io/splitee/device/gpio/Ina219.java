package io.splitee.device.gpio;

import java.io.IOException;
import java.util.Objects;

/**
 * The Texas Instruments INA219 current/power monitor (datasheet SBOS448G), over {@link Gpio.Registers}.
 *
 * <p>Calibration as the datasheet's section 8.5.1 works it: the current LSB is the largest expected current over
 * 2<sup>15</sup>; the calibration register is {@code trunc(0.04096 / (currentLsb · Rshunt))}; the power LSB is
 * 20 × the current LSB. Because the register truncates, the current LSB used for readings is recomputed from the
 * value written ({@code 0.04096 / (cal · Rshunt)}), so readings are not biased by the rounding. The
 * configuration is the chip's default range: 32 V bus, ±320 mV shunt (PGA ÷8), 12-bit conversions of 532 µs,
 * shunt and bus continuous ({@value #CONFIG_DEFAULT}).
 *
 * <p>Registers: 0x00 configuration, 0x01 shunt voltage (signed, 10 µV), 0x02 bus voltage (bits 15..3, 4 mV; bit 0
 * overflow), 0x03 power (power LSB), 0x04 current (signed, current LSB), 0x05 calibration.
 */
final class Ina219 {
    static final int CONFIGURATION = 0x00;
    static final int SHUNT_VOLTAGE = 0x01;
    static final int BUS_VOLTAGE = 0x02;
    static final int POWER = 0x03;
    static final int CURRENT = 0x04;
    static final int CALIBRATION = 0x05;
    /** BRNG=1 (32 V), PG=11 (±320 mV), BADC=0011, SADC=0011 (12 bit), MODE=111 (shunt and bus, continuous). */
    static final int CONFIG_DEFAULT = 0x399F;

    /**
     * One reading.
     *
     * @param busVolts   bus voltage (load side), V
     * @param shuntVolts shunt voltage, V
     * @param amps       current, A
     * @param watts      power, W
     * @param overflow   the chip's math overflow flag: current or power out of range
     */
    record Reading(double busVolts, double shuntVolts, double amps, double watts, boolean overflow) {
    }

    private final Gpio.Registers chip;
    private final double shuntOhms;
    private final int calibration;
    private final double currentLsb;

    /**
     * @param chip       the chip's registers
     * @param shuntOhms  shunt resistance, Ω
     * @param maxCurrent largest current expected, A
     */
    Ina219(Gpio.Registers chip, double shuntOhms, double maxCurrent) {
        this.chip = Objects.requireNonNull(chip, "chip");
        if (!(shuntOhms > 0) || !(maxCurrent > 0)) {
            throw new IllegalArgumentException("shunt " + shuntOhms + " Ω, max current " + maxCurrent + " A");
        }
        this.shuntOhms = shuntOhms;
        this.calibration = calibration(shuntOhms, maxCurrent);
        this.currentLsb = 0.04096 / (calibration * shuntOhms);
    }

    /** The calibration register's value for a shunt and a largest current (datasheet equation 1 and 2). */
    static int calibration(double shuntOhms, double maxCurrent) {
        double lsb = maxCurrent / 32768.0;
        long cal = (long) Math.floor(0.04096 / (lsb * shuntOhms) + 1e-9); // trunc, without a binary-fraction miss
        if (cal < 1 || cal > 0xFFFE) {
            throw new IllegalArgumentException("power.max-current: " + maxCurrent + " A with a " + shuntOhms
                    + " Ω shunt gives calibration " + cal + ", outside 1..65534");
        }
        return (int) (cal & 0xFFFE); // bit 0 of the register is read-only (always 0)
    }

    /** The calibration register's value. */
    int calibration() {
        return calibration;
    }

    /** Amperes per bit of the current register. */
    double currentLsb() {
        return currentLsb;
    }

    /** Watts per bit of the power register (20 × the current LSB). */
    double powerLsb() {
        return 20 * currentLsb;
    }

    /** Writes configuration and calibration, and reads the configuration back (a missing chip fails here). */
    void start() throws IOException {
        chip.write(CONFIGURATION, CONFIG_DEFAULT);
        chip.write(CALIBRATION, calibration);
        int back = chip.read(CONFIGURATION);
        if (back != CONFIG_DEFAULT) {
            throw new IOException(String.format("the configuration register reads 0x%04x after writing 0x%04x: "
                    + "is this an INA219?", back, CONFIG_DEFAULT));
        }
    }

    /** Power only: one register transfer. */
    double watts() throws IOException {
        return chip.read(POWER) * powerLsb();
    }

    /** Every register: bus and shunt voltage, current, power. */
    Reading read() throws IOException {
        int bus = chip.read(BUS_VOLTAGE);
        int shunt = (short) chip.read(SHUNT_VOLTAGE);
        int current = (short) chip.read(CURRENT);
        int power = chip.read(POWER);
        return new Reading((bus >>> 3) * 0.004, shunt * 10e-6, current * currentLsb, power * powerLsb(),
                (bus & 1) != 0);
    }

    @Override
    public String toString() {
        return "INA219[shunt=" + shuntOhms + " Ω, cal=" + calibration + ", currentLsb=" + currentLsb + " A]";
    }
}
