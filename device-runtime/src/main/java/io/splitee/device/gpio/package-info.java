/**
 * The board's local interface on a headless Pi: a status LED (one pin or an RGB triple), a button, and an INA219
 * power sensor on I²C whose readings make energy a cost. {@link io.splitee.device.gpio.Board} is the entry: it
 * opens the configured parts through {@link io.splitee.device.gpio.Gpio} (our three small interfaces: an output,
 * an input, a 16-bit register device), shows the daemon's {@link io.splitee.device.status.DeviceStatus} on the LED,
 * turns button presses into the daemon's {@link io.splitee.device.gpio.Board.Actions}, and samples the power
 * sensor into {@link io.splitee.device.cost.EnergyEstimates}. {@link io.splitee.device.gpio.Pi4jGpio} is the only
 * Pi4J code: on a board, Pi4J 2.x with libgpiod for the pins and {@code /dev/i2c-N} for the sensor; in tests,
 * Pi4J's mock platform.
 *
 * <p>Threads: {@code splitee-<device>-gpio} drives the LED and polls the button every
 * {@value io.splitee.device.gpio.Board#TICK_MS} ms; {@code splitee-<device>-power} reads the sensor and settles the
 * energy of the worker's compute intervals. The worker never waits for either. Knows no MQTT and no ONNX Runtime.
 */
package io.splitee.device.gpio;
