/**
 * How the demo gets a gateway that completes offloaded samples: {@link io.splitee.demo.gateway.GatewayLauncher},
 * implemented by the real offload gateway ({@code io.splitee.gateway}) started in the demo's process.
 */
package io.splitee.demo.gateway;
