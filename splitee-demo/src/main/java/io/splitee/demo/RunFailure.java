package io.splitee.demo;

/** The run started but could not finish (the device stopped answering, publishing failed): one line, exit code 1. */
final class RunFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailure(String message) {
        super(message);
    }

    RunFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
