package io.splitee.device.gpio;

import io.splitee.device.status.DeviceState;
import io.splitee.device.status.Status;
import io.splitee.device.status.StatusListener;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The status LED's one state machine, fed by the daemon's status events (on the status thread) and drawn by
 * {@link #update()} (on the gpio thread, every few ms): a pattern per {@link DeviceState}, a short flash per
 * offload while serving, and on request the arm number blinked once. Patterns (on/off in ms, repeating):
 *
 * <pre>
 * starting    yellow  500 on, 500 off
 * serving     green   steady; each offload: 40 ms dark (one colour) or blue (RGB), at most one per 120 ms
 * fallback    yellow  double blink: 100 on, 100 off, 100 on, 700 off
 * overloaded  magenta 100 on, 100 off
 * error       red     three flashes a second: 100 on, 100 off, 100 on, 100 off, 100 on, 500 off
 * stopping    cyan    100 on, 900 off
 * stopped     off
 * arm n       white   n x (250 on, 250 off), then 750 off (arm 0: one 1000 ms blink); then the state's pattern
 * </pre>
 *
 * Thread-safe: every method is short and synchronized.
 */
final class StatusLed implements StatusListener {
    static final long FLASH_MS = 40;
    static final long FLASH_EVERY_MS = 120;

    /** A repeating pattern: colour while "on"; durations alternate on, off, on, ... (none: steady on). */
    record Pattern(Light.Colour colour, long... onOff) {
        Light.Colour at(long sinceMs) {
            if (onOff.length == 0) {
                return colour;
            }
            long period = 0;
            for (long d : onOff) {
                period += d;
            }
            long t = Math.floorMod(sinceMs, period);
            for (int i = 0; i < onOff.length; i++) {
                if (t < onOff[i]) {
                    return i % 2 == 0 ? colour : Light.Colour.OFF;
                }
                t -= onOff[i];
            }
            return Light.Colour.OFF;
        }
    }

    static final Map<DeviceState, Pattern> PATTERNS = new EnumMap<>(Map.of(
            DeviceState.STARTING, new Pattern(Light.Colour.YELLOW, 500, 500),
            DeviceState.SERVING, new Pattern(Light.Colour.GREEN),
            DeviceState.FALLBACK, new Pattern(Light.Colour.YELLOW, 100, 100, 100, 700),
            DeviceState.OVERLOADED, new Pattern(Light.Colour.MAGENTA, 100, 100),
            DeviceState.ERROR, new Pattern(Light.Colour.RED, 100, 100, 100, 100, 100, 500),
            DeviceState.STOPPING, new Pattern(Light.Colour.CYAN, 100, 900),
            DeviceState.STOPPED, new Pattern(Light.Colour.OFF)));

    private final Light light;
    private final boolean rgb;
    private final LongSupplier millis;
    private DeviceState state = DeviceState.STARTING;
    private long stateSince;
    private long flashAt = Long.MIN_VALUE / 2;
    private long armSince = Long.MIN_VALUE / 2;
    private Pattern arm;
    private long armLength;
    private Light.Colour shown;

    /**
     * @param light  the LED
     * @param rgb    whether it has colours (an offload flashes blue instead of dark)
     * @param millis the clock, in ms
     */
    StatusLed(Light light, boolean rgb, LongSupplier millis) {
        this.light = Objects.requireNonNull(light, "light");
        this.rgb = rgb;
        this.millis = Objects.requireNonNull(millis, "millis");
        this.stateSince = millis.getAsLong();
    }

    @Override
    public synchronized void stateChanged(Status now) {
        if (now.state() != state) {
            state = now.state();
            stateSince = millis.getAsLong();
        }
    }

    @Override
    public synchronized void offloaded(int arm) {
        long t = millis.getAsLong();
        if (t - flashAt >= FLASH_EVERY_MS) {
            flashAt = t;
        }
    }

    /** Blinks live arm {@code n} once (n blinks; arm 0 one long blink; below 0 nothing), then the state again. */
    synchronized void blinkArm(int n) {
        if (n < 0) {
            return;
        }
        if (n == 0) {
            arm = new Pattern(Light.Colour.WHITE, 1000, 750);
            armLength = 1750;
        } else {
            long[] onOff = new long[2 * n];
            for (int i = 0; i < n; i++) {
                onOff[2 * i] = 250;
                onOff[2 * i + 1] = i == n - 1 ? 750 : 250;
            }
            arm = new Pattern(Light.Colour.WHITE, onOff);
            armLength = 500L * n + 500;
        }
        armSince = millis.getAsLong();
    }

    /** The state the LED shows. */
    synchronized DeviceState state() {
        return state;
    }

    /** The colour for now. */
    synchronized Light.Colour colour() {
        long t = millis.getAsLong();
        if (arm != null) {
            if (t - armSince < armLength) {
                return arm.at(t - armSince);
            }
            arm = null;
        }
        if (state == DeviceState.SERVING && t - flashAt < FLASH_MS) {
            return rgb ? Light.Colour.BLUE : Light.Colour.OFF;
        }
        return PATTERNS.get(state).at(t - stateSince);
    }

    /** Darkens the LED (the board closes). */
    synchronized void dark() {
        light.show(Light.Colour.OFF);
        shown = Light.Colour.OFF;
    }

    /** Draws the colour for now, writing the pins only when it changed. */
    synchronized void update() {
        Light.Colour c = colour();
        if (c != shown) {
            light.show(c);
            shown = c;
        }
    }
}
