/**
 * The device daemon's configuration: its keys and defaults, and the validated
 * {@link io.splitee.device.config.DeviceConfig} they resolve into. The layering (one properties file,
 * environment overrides such as {@code SPLITEE_MQTT_URI} for {@code mqtt.uri}, then command-line
 * overrides, in increasing precedence), the refusal of unknown keys and the broker connection keys are
 * {@code io.splitee.config}'s, shared with the gateway. Every key is listed in
 * {@code device-runtime/splitee-device.example.properties}.
 */
package io.splitee.device.config;
