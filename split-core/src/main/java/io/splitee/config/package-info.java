/**
 * How the device daemon and the gateway read their configuration: the known keys with their
 * defaults, then one properties file, then environment variables (a program's prefix, e.g.
 * {@code SPLITEE_MQTT_URI} for {@code mqtt.uri}), then {@code --set key=value} overrides, in that order
 * of increasing precedence ({@link io.splitee.config.ConfigSource}); unknown keys are refused so a typo
 * never silently falls back to a default. Typed getters name the key, the value and where it came from
 * in every error ({@link io.splitee.config.ConfigException}). The broker connection keys both programs
 * share ({@code mqtt.*}) are read into one validated record, {@link io.splitee.config.MqttConnection}.
 * Each program keeps its own keys and its own configuration record.
 */
package io.splitee.config;
