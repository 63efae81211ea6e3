package io.splitee.replay;

/** A trace file that cannot be used; the message is one line naming the file, line and column. */
public final class TraceException extends Exception {

    /** @param message one line: file, where, and what is wrong */
    public TraceException(String message) {
        super(message);
    }

    /** @param message one line: file, where, and what is wrong */
    public TraceException(String message, Throwable cause) {
        super(message, cause);
    }
}
