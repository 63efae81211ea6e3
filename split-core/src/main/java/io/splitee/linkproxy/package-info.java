/**
 * A TCP proxy of the project's own that gives a loopback connection the character of a real link:
 * bandwidth, latency, and faults (cut every connection, stall silently, refuse new ones). The demo puts
 * it between the device and the broker ({@code --link wifi|lte|constrained|none}); the fault tests use it
 * where the kernel has no {@code tc netem}. It knows nothing of MQTT: it moves bytes.
 *
 * <p>Entry types: {@link io.splitee.linkproxy.LinkProxy} and {@link io.splitee.linkproxy.LinkProfile}.
 */
package io.splitee.linkproxy;
