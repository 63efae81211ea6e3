package io.splitee.device.cli;

/** Bad input from the user: reported as one line, exit code 2. */
final class InputException extends RuntimeException {

    InputException(String message) {
        super(message);
    }
}
