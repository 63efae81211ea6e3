/**
 * The offload gateway's configuration: its keys and defaults, and the validated
 * {@link io.splitee.gateway.config.GatewayConfig} they resolve into. The layering (one properties file,
 * environment overrides such as {@code SPLITEE_GW_MQTT_URI} for {@code mqtt.uri}, then command-line
 * overrides, in increasing precedence), the refusal of unknown keys and the broker connection keys are
 * {@code io.splitee.config}'s, shared with the device. Every key is listed, with a comment, in
 * {@code offload-gateway/splitee-gateway.example.properties}.
 */
package io.splitee.gateway.config;
