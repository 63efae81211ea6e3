/**
 * How the command-line programs (the device's {@code splitee-device}, the gateway's
 * {@code splitee-gateway}, the demo's {@code splitee-demo}) end: one exit-code contract and one way
 * of reporting a problem, as one line on stderr naming the command, never a stack trace
 * ({@link io.splitee.cli.ExitCodes}). Free of the command-line parser: each program's main wires its
 * parser's error handlers to it.
 */
package io.splitee.cli;
