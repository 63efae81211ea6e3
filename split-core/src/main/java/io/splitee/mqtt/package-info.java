/**
 * The MQTT 5 transport shared by the device daemon and the offload gateway: it moves byte[]
 * payloads with MQTT 5 properties and knows nothing of ONNX or the wire format.
 *
 * <p>Entry points: {@link io.splitee.mqtt.Transport} (created by
 * {@link io.splitee.mqtt.Transport#mqtt}) configured by {@link io.splitee.mqtt.MqttSettings};
 * messages are {@link io.splitee.mqtt.Outgoing} and {@link io.splitee.mqtt.Incoming}; failures are
 * {@link io.splitee.mqtt.TransportException} with a {@link io.splitee.mqtt.TransportException.Reason}.
 * Eclipse Paho mqttv5 1.2.5 is an implementation detail of the package-private
 * {@code PahoTransport}, which also owns the workarounds for that version's traps (in-flight
 * bound, maximum packet size, shared-subscription dispatch, resubscribe after a clean-start
 * reconnect, no blocking work in its callbacks).
 *
 * <p>Threads: Paho's own ({@code MQTT Rec/Snd/Call/Con: <clientId>}), plus
 * {@code splitee-mqtt-<clientId>-conn} (reconnects, resubscribes, connection events) and
 * {@code splitee-mqtt-<clientId>-complete} (completes publish futures); all end on
 * {@link io.splitee.mqtt.Transport#close()}.
 */
package io.splitee.mqtt;
