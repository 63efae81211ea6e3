package io.splitee.device.gpio;

import java.util.List;

/** A status LED as colours: one pin lights for every colour but {@link Colour#OFF}; an RGB LED mixes them. */
interface Light {

    /** The colours of the patterns; on a one-colour LED each is just "on". */
    enum Colour {
        OFF(false, false, false), RED(true, false, false), GREEN(false, true, false), BLUE(false, false, true),
        YELLOW(true, true, false), CYAN(false, true, true), MAGENTA(true, false, true), WHITE(true, true, true);

        final boolean red;
        final boolean green;
        final boolean blue;

        Colour(boolean red, boolean green, boolean blue) {
            this.red = red;
            this.green = green;
            this.blue = blue;
        }
    }

    /** Shows {@code colour}. */
    void show(Colour colour);

    /** One pin. */
    static Light single(Gpio.Output pin) {
        return c -> pin.set(c != Colour.OFF);
    }

    /** Three pins: red, green, blue. */
    static Light rgb(List<Gpio.Output> pins) {
        Gpio.Output r = pins.get(0);
        Gpio.Output g = pins.get(1);
        Gpio.Output b = pins.get(2);
        return c -> {
            r.set(c.red);
            g.set(c.green);
            b.set(c.blue);
        };
    }
}
