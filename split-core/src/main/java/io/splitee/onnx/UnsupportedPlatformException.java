package io.splitee.onnx;

/**
 * ONNX Runtime has no native library for this machine's platform; the message names the platform and the
 * supported ones, as one line (a program reports it as bad input, exit code 2: no retry can help).
 */
public final class UnsupportedPlatformException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnsupportedPlatformException(String message) {
        super(message);
    }
}
