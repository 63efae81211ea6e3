/**
 * The offload gateway service: MQTT intake on a shared subscription, frame validation against every
 * served model package, dynamic micro-batching onto a pool of ONNX Runtime workers, and answers
 * acknowledged only once the broker has them. Entry point: {@link io.splitee.gateway.service.Gateway}.
 * Knows no command line; the transport, runner and wire format come from split-core.
 */
package io.splitee.gateway.service;
