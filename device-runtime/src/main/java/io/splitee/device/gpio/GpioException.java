package io.splitee.device.gpio;

/** A configured pin or bus could not be opened or answered wrongly; the message starts with the key. */
public final class GpioException extends Exception {
    private static final long serialVersionUID = 1L;

    GpioException(String key, String message, Throwable cause) {
        super(key + ": " + message, cause);
    }
}
