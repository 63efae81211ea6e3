/**
 * What the tests need from the machine they run on, and what they leave in the log: {@link Tool}
 * finds the programs and data files the integration tests use (on {@code PATH}, or where a system
 * property says) and names the Debian package of a missing one, before any test of the module runs
 * ({@code ToolCheck}, a JUnit launcher session listener reading {@value Tool#REQUIRED_PROPERTY}); {@link
 * LogCapture} takes the log lines a test expects, so that a green build prints no {@code ERROR}.
 * Exported to the other modules in split-core's test-jar.
 */
package io.splitee.testenv;
