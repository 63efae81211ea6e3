package io.splitee.device.gpio;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.cost.EnergyEstimates;
import io.splitee.device.status.DeviceStatus;
import io.splitee.device.status.Status;
import io.splitee.lifecycle.Threads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The board's status LED, button and power sensor, as configured ({@code gpio.*}, {@code power.*}); each part
 * optional. {@link #open} opens every configured pin and the sensor at once, so a pin or bus that cannot be
 * opened stops the start with one line naming its key; {@link #start} then shows the daemon's status on the LED,
 * polls the button and starts the power thread. {@link #close()} stops the threads, darkens the LED and releases
 * the pins (Pi4J's context shut down). Idempotent.
 */
public final class Board implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Board.class);
    /** How often the LED is drawn and the button sampled, in ms. */
    public static final long TICK_MS = 10;

    /** What the button asks of the daemon; called on the gpio thread, so each must return at once. */
    public interface Actions {
        /** Short press: publish {@code now} as a status message. */
        void publishStatus(Status now);

        /** Long press: save a backup of the learned policy state, then reset it. */
        void resetLearnedState();
    }

    private final String device;
    private final Gpio gpio;
    private final StatusLed led;
    private final ButtonLogic button;
    private final Gpio.Input buttonPin;
    private final PowerSampler power;
    private final EnergyEstimates energy;
    private final LongSupplier nanos;
    private ScheduledExecutorService ticker;
    private DeviceStatus status;
    private Actions actions;
    private volatile boolean closed;

    private Board(String device, Gpio gpio, Parts parts, LongSupplier nanos) {
        this.device = device;
        this.gpio = gpio;
        this.led = parts.led;
        this.button = parts.button;
        this.buttonPin = parts.buttonPin;
        this.power = parts.power;
        this.energy = parts.energy;
        this.nanos = nanos;
    }

    /** The parts opened so far. */
    private static final class Parts {
        StatusLed led;
        ButtonLogic button;
        Gpio.Input buttonPin;
        PowerSampler power;
        EnergyEstimates energy;
    }

    /** No board: nothing opened, no threads. */
    public static Board none() {
        return new Board("none", null, new Parts(), System::nanoTime);
    }

    /**
     * Opens what {@code config} names on {@code gpio}, which the board then owns (closed here on failure).
     *
     * @param config the {@code gpio.*} and {@code power.*} configuration; off: {@link #none()}, {@code gpio} unused
     * @param device the device id (names the threads)
     * @param blocks the model's number of blocks L (the energy estimates' size)
     * @param gpio   the pins and buses (a board's {@link Pi4jGpio#board()}, or Pi4J's mock in tests)
     * @throws GpioException naming the key of the part that could not be opened
     */
    public static Board open(DeviceConfig.Gpio config, String device, int blocks, Gpio gpio) throws GpioException {
        if (!config.enabled()) {
            return none();
        }
        Objects.requireNonNull(gpio, "gpio");
        LongSupplier nanos = System::nanoTime;
        Parts p = new Parts();
        try {
            if (config.led().isPresent()) {
                DeviceConfig.Led c = config.led().get();
                List<Gpio.Output> pins = new ArrayList<>();
                for (int pin : c.pins()) {
                    pins.add(gpio.output(c.key(), pin, c.activeLow()));
                }
                Light light = c.rgb() ? Light.rgb(pins) : Light.single(pins.get(0));
                p.led = new StatusLed(light, c.rgb(), () -> TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong()));
            }
            if (config.button().isPresent()) {
                DeviceConfig.Button c = config.button().get();
                p.buttonPin = gpio.input("gpio.button.pin", c.pin());
                p.button = new ButtonLogic(c.debounce().toMillis(), c.longPress().toMillis());
            }
            if (config.power().isPresent()) {
                DeviceConfig.Power c = config.power().get();
                Ina219 sensor = new Ina219(gpio.i2c("power.i2c-bus", c.bus(), c.address()), c.shuntOhms(),
                        c.maxCurrent());
                try {
                    sensor.start();
                } catch (IOException e) {
                    throw new GpioException("power.i2c-address", String.format("no INA219 answers at 0x%02x on "
                            + "/dev/i2c-%d: %s", c.address(), c.bus(), e.getMessage()), e);
                }
                p.energy = new EnergyEstimates(blocks, 0.1);
                p.power = new PowerSampler(device, sensor, p.energy, c.sampleInterval(), nanos);
                LOG.info("power sensor {} at 0x{} on /dev/i2c-{}, read every {}", sensor,
                        Integer.toHexString(c.address()), c.bus(), c.sampleInterval());
            }
        } catch (GpioException | RuntimeException e) {
            gpio.close();
            throw e;
        }
        return new Board(device, gpio, p, nanos);
    }

    /** The energy estimates the power sensor feeds; empty without one. */
    public Optional<EnergyEstimates> energy() {
        return Optional.ofNullable(energy);
    }

    /** Whether anything was opened. */
    public boolean active() {
        return gpio != null;
    }

    /**
     * Shows {@code status} on the LED, polls the button for {@code actions}, starts the power thread, and registers
     * the power meters on {@code registry}.
     */
    public synchronized void start(DeviceStatus status, Actions actions, MeterRegistry registry) {
        if (!active() || closed || ticker != null) {
            return;
        }
        this.status = Objects.requireNonNull(status, "status");
        this.actions = Objects.requireNonNull(actions, "actions");
        if (led != null) {
            status.addListener(led);
        }
        if (power != null) {
            registerMeters(registry);
            power.start();
        }
        if (led != null || button != null) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                    Threads.factory("splitee-" + device + "-gpio", true));
            t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            t.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
            ticker = t;
        }
    }

    /** On the gpio thread. */
    private void tick() {
        try {
            if (button != null) {
                long now = TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong());
                switch (button.sample(now, buttonPin.active())) {
                    case SHORT -> shortPress();
                    case LONG -> longPress();
                    default -> {
                    }
                }
            }
            if (led != null) {
                led.update();
            }
        } catch (RuntimeException e) {
            LOG.warn("gpio tick failed: {}", e.toString());
        }
    }

    private void shortPress() {
        Status now = status.snapshot();
        LOG.info("button pressed: publishing the status ({}, arm {}) and blinking the arm", now.state().jsonName(),
                now.currentArm());
        if (led != null) {
            led.blinkArm(now.currentArm());
        }
        actions.publishStatus(now);
    }

    private void longPress() {
        LOG.info("button held for the long press: resetting the learned policy state (a backup is saved first)");
        if (led != null) {
            led.blinkArm(0);
        }
        actions.resetLearnedState();
    }

    private void registerMeters(MeterRegistry registry) {
        Gauge.builder("splitee.device.power.watts", power, PowerSampler::watts).baseUnit("watts").register(registry);
        Gauge.builder("splitee.device.power.idle.watts", power, PowerSampler::idleWatts).register(registry);
        Gauge.builder("splitee.device.power.bus.volts", power, s -> s.full() == null ? Double.NaN : s.full().busVolts())
                .register(registry);
        Gauge.builder("splitee.device.power.amps", power, s -> s.full() == null ? Double.NaN : s.full().amps())
                .register(registry);
        FunctionCounter.builder("splitee.device.power.read.failures", power, PowerSampler::failures)
                .register(registry);
        FunctionCounter.builder("splitee.device.energy.intervals.dropped", energy, EnergyEstimates::dropped)
                .register(registry);
        for (int i = 1; i <= energy.blocks(); i++) {
            int b = i;
            Gauge.builder("splitee.device.cost.block.mj", energy, e -> e.blockMj(b)).tag("block", Integer.toString(i))
                    .register(registry);
            Gauge.builder("splitee.device.cost.exit.mj", energy, e -> e.exitMj(b)).tag("exit", Integer.toString(i))
                    .register(registry);
        }
    }

    /** Stops the threads, darkens the LED, releases the pins and the bus. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (status != null && led != null) {
            status.removeListener(led);
        }
        if (led != null) {
            try {
                led.dark();
            } catch (RuntimeException e) {
                LOG.warn("cannot darken the LED: {}", e.toString());
            }
        }
        if (power != null) {
            power.close();
        }
        if (gpio != null) {
            gpio.close();
        }
    }

    /** The LED's state machine (tests). */
    StatusLed led() {
        return led;
    }

    /** The power thread (tests). */
    PowerSampler power() {
        return power;
    }
}
