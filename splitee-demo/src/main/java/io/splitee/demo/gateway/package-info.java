/**
 * How the demo gets a gateway that completes offloaded samples: {@link io.splitee.demo.gateway.GatewayLauncher}.
 *
 * <p><b>Temporary:</b> until the offload gateway module ({@code io.splitee.gateway}) lands, the only
 * launcher is {@link io.splitee.demo.gateway.GatewayLauncher#temporaryResponder()}, a minimal in-process
 * responder copied from the device's integration tests ({@code TestResponder}). Switching the demo to
 * the real gateway means one new launcher here; nothing else in the demo changes.
 */
package io.splitee.demo.gateway;
