package io.splitee.device.gpio;

/**
 * Debounce and press length of one button, from the pin's level sampled every few ms: a level counts once it
 * has been steady for the debounce time; a press held for the long-press time is {@link Press#LONG} (told at
 * once, while still held), a shorter one {@link Press#SHORT} (told at the release). Not thread-safe: the gpio
 * thread samples it.
 */
final class ButtonLogic {
    /** What a sample completed. */
    enum Press { NONE, SHORT, LONG }

    private final long debounceMs;
    private final long longPressMs;
    private boolean raw;
    private long rawSince;
    private boolean down;
    private long downSince;
    private boolean longTold;

    ButtonLogic(long debounceMs, long longPressMs) {
        if (debounceMs <= 0 || longPressMs <= debounceMs) {
            throw new IllegalArgumentException("debounce " + debounceMs + " ms, long press " + longPressMs + " ms");
        }
        this.debounceMs = debounceMs;
        this.longPressMs = longPressMs;
    }

    /** The pin read {@code active} at {@code nowMs}. */
    Press sample(long nowMs, boolean active) {
        if (active != raw) {
            raw = active;
            rawSince = nowMs;
        }
        boolean steady = nowMs - rawSince >= debounceMs;
        if (steady && raw != down) {
            down = raw;
            if (down) {
                downSince = rawSince; // the press began when the level first changed
                longTold = false;
            } else if (!longTold) {
                return Press.SHORT;
            }
        }
        if (down && !longTold && nowMs - downSince >= longPressMs) {
            longTold = true;
            return Press.LONG;
        }
        return Press.NONE;
    }

    /** Whether the button counts as held down. */
    boolean down() {
        return down;
    }
}
