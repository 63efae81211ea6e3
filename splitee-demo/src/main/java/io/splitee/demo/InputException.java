package io.splitee.demo;

/** Bad input from the user (a flag, a file, an unreachable broker): one line on stderr, exit code 2. */
final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputException(String message) {
        super(message);
    }

    InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
