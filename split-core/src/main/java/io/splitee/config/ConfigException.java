package io.splitee.config;

/** A configuration value is missing or invalid; the message names the key, the value and where it came from. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String key;

    ConfigException(String key, String message) {
        super(key == null ? message : key + ": " + message);
        this.key = key;
    }

    /** The offending key, or {@code null} when the problem is not about one key (an unreadable file). */
    public String key() {
        return key;
    }
}
