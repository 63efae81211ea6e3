/**
 * The MQTT 5 transport shared by the device daemon and the offload gateway: it moves byte[]
 * payloads with MQTT 5 properties and knows nothing of ONNX or the wire format.
 *
 * <p>Entry points: {@link io.splitee.mqtt.Transport} (created by
 * {@link io.splitee.mqtt.Transport#mqtt}) configured by {@link io.splitee.mqtt.MqttSettings};
 * messages are {@link io.splitee.mqtt.Outgoing} and {@link io.splitee.mqtt.Incoming}; failures are
 * {@link io.splitee.mqtt.TransportException} with a {@link io.splitee.mqtt.TransportException.Reason}.
 *
 * <p>This package carries no MQTT client. {@link io.splitee.mqtt.Transport#mqtt} takes the one
 * {@link io.splitee.mqtt.MqttSettings#client()} names (configuration key {@code mqtt.client}) from a
 * {@link io.splitee.mqtt.spi.TransportProvider} on the class path: module {@code mqtt-paho} (Eclipse Paho
 * mqttv5 1.2.5, the device's) or {@code mqtt-hivemq} (the HiveMQ MQTT client 1.3, the gateway's: it copies
 * payloads in bulk where Paho reads them byte by byte). Both adapters extend
 * {@link io.splitee.mqtt.TransportBase}, which owns subscriptions and their restoration, dispatch on one
 * callback thread, the in-flight window and packet-size check, pending publishes and acknowledgements, the
 * first-connection latch, connection listeners and shutdown; one contract test (test-jar
 * {@code TransportContract}) runs against each. Threads of the base: {@code splitee-mqtt-<clientId>-conn}
 * (reconnect work, resubscriptions, connection events), {@code -complete} (publish futures) and, for a client
 * whose events arrive on an event loop, {@code -callback} (message handlers); the adapters' packages name
 * their client's threads. Every transport thread ends on {@link io.splitee.mqtt.Transport#close()}.
 */
package io.splitee.mqtt;
