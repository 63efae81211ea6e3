/**
 * The {@code splitee-device} command line (picocli): {@code run} is the daemon, {@code acl} prints the broker
 * ACL for a fleet, {@code simulate} replays one policy over a
 * trace, {@code sweep} prints the paper's comparison table. Owns argument validation, the
 * one-line error contract (bad input: exit 2 and one line on stderr, never a stack trace) and
 * the text, JSON and CSV output. Entry point: {@link io.splitee.device.cli.DeviceMain}.
 */
package io.splitee.device.cli;
