/**
 * The {@code splitee-gateway} command line ({@link io.splitee.gateway.GatewayMain}, subcommand
 * {@code run}): configuration errors as one line and exit code 2, SIGTERM as a graceful stop with
 * exit code 0. The service itself is {@link io.splitee.gateway.service.Gateway}.
 */
package io.splitee.gateway;
