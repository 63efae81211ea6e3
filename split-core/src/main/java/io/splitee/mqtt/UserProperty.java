package io.splitee.mqtt;

/**
 * One MQTT 5 user property: a name/value pair. A message may carry several with the same name;
 * their order is kept.
 *
 * @param name  the property name
 * @param value the property value
 */
public record UserProperty(String name, String value) {
    /** Validates that neither part is null. */
    public UserProperty {
        if (name == null) {
            throw new IllegalArgumentException("user property name must not be null");
        }
        if (value == null) {
            throw new IllegalArgumentException("user property '" + name + "' has a null value");
        }
    }
}
