package io.splitee.testenv;

import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Fails a module's test run before any test starts when a tool named in {@value Tool#REQUIRED_PROPERTY}
 * is missing, with one line per missing tool naming its Debian package. Registered through {@code
 * META-INF/services}; without the property (unit tests, modules without tools) it checks nothing.
 */
public final class ToolCheck implements LauncherSessionListener {

    /** Public for {@code ServiceLoader}. */
    public ToolCheck() {
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String required = System.getProperty(Tool.REQUIRED_PROPERTY, "");
        List<String> missing = Tool.missing(required);
        if (!missing.isEmpty()) {
            throw new MissingToolsError(String.join("; ", missing));
        }
    }

    /** Thrown when the machine lacks a tool; its message is the whole story, so no stack trace. */
    static final class MissingToolsError extends Error {
        private static final long serialVersionUID = 1L;

        MissingToolsError(String message) {
            super(message, null, false, false);
        }
    }
}
