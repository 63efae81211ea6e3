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
 *
 * <p>A QoS 1/2 publish whose connection drops before the broker's acknowledgement belongs to the transport while
 * the session is expected to resume (clean start off, a session expiry above 0): its future does not fail; the
 * client resends it (DUP set) on the next connection and the future completes with that resend's
 * acknowledgement. It fails {@code SESSION_LOST} only where the client drops it with the session, and
 * {@code CLOSED} on close; on a session that ends with its connection it fails {@code CONNECTION_LOST} at once.
 * What each client library does with such publishes is in its adapter's package doc. A broker that got the
 * original before the connection dropped takes a QoS 1 resend as a new message and delivers it again (at least
 * once; Mosquitto 2.0.11 does); at QoS 2 it knows the packet id of the resumed session's unfinished exchange and
 * delivers it once ({@code TransportContract}, both clients).
 */
package io.splitee.mqtt;
