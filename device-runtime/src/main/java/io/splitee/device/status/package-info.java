/**
 * What the device is doing, for whoever shows it: the daemon's {@link io.splitee.device.status.DeviceState}
 * (starting, serving, falling back on the device, overloaded, error, stopping, stopped), a
 * {@link io.splitee.device.status.Status} snapshot with its counts, and
 * {@link io.splitee.device.status.StatusListener}s told of every state change and every offload on the
 * status thread {@code splitee-<device>-status}, never on the worker. The CoAP {@code /status} resource, the
 * GPIO status LED and the button read it; the daemon feeds it ({@link io.splitee.device.status.DeviceStatus}).
 * Knows no MQTT, ONNX Runtime, CoAP or GPIO.
 */
package io.splitee.device.status;
