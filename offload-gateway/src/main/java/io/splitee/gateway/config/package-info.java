/**
 * The offload gateway's configuration: one properties file, environment overrides
 * ({@code SPLITEE_GW_MQTT_URI} for {@code mqtt.uri}) and command-line overrides, in that order of
 * increasing precedence, resolved into a validated {@link io.splitee.gateway.config.GatewayConfig}.
 * Every key is listed, with a comment, in {@code offload-gateway/splitee-gateway.example.properties};
 * unknown keys are refused so a typo never silently falls back to a default.
 */
package io.splitee.gateway.config;
