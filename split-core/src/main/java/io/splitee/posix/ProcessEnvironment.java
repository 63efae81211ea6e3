package io.splitee.posix;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The process's own environment as native code sees it ({@code getenv(3)}), which Java can read but not change.
 * Native libraries loaded later read what is set here; {@link System#getenv()} keeps its copy from the start.
 */
public final class ProcessEnvironment {
    private ProcessEnvironment() {
    }

    /**
     * {@code setenv(name, value, 0)}: sets a variable that the process did not start with.
     *
     * @return empty if it is set now (by this call, or it was already), else why it cannot be set here (no native
     *     access, e.g. on Windows)
     */
    public static Optional<String> setIfAbsent(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
            return Optional.of("no setenv on Windows");
        }
        try {
            UnixDatagramSocket.load().setenv(name, value, 0);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        } catch (LastErrorException e) {
            return Optional.of("setenv " + name + ": errno " + e.getErrorCode());
        }
    }
}
