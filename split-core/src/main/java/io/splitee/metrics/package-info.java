/**
 * Metrics exposition shared by the device and the gateway: a Micrometer Prometheus registry served as
 * Prometheus text on {@code /metrics} by the JDK's HTTP server, off unless a port is configured.
 */
package io.splitee.metrics;
