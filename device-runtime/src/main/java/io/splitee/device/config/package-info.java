/**
 * The device daemon's configuration: one properties file, environment overrides
 * ({@code SPLITEE_MQTT_URI} for {@code mqtt.uri}) and command-line overrides, in that order of
 * increasing precedence, resolved into a validated {@link io.splitee.device.config.DeviceConfig}.
 * Every key is listed in {@code device-runtime/splitee-device.example.properties}; unknown keys are
 * refused so a typo never silently falls back to a default.
 */
package io.splitee.device.config;
