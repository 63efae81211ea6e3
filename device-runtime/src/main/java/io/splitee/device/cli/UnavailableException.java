package io.splitee.device.cli;

/** A peer the daemon needs is unavailable (the broker at start): reported as one line, exit code 69 (ExitCodes.UNAVAILABLE). */
final class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message) {
        super(message);
    }
}
