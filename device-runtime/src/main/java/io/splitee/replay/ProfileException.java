package io.splitee.replay;

/** A cost profile file that cannot be used; the message names the file and the field. */
public final class ProfileException extends Exception {
    private static final long serialVersionUID = 1L;

    ProfileException(String message) {
        super(message);
    }
}
