/**
 * The MQTT 5 transport shared by the device daemon and the offload gateway: it moves byte[]
 * payloads with MQTT 5 properties and knows nothing of ONNX or the wire format.
 *
 * <p>Entry points: {@link io.splitee.mqtt.Transport} (created by
 * {@link io.splitee.mqtt.Transport#mqtt}) configured by {@link io.splitee.mqtt.MqttSettings};
 * messages are {@link io.splitee.mqtt.Outgoing} and {@link io.splitee.mqtt.Incoming}; failures are
 * {@link io.splitee.mqtt.TransportException} with a {@link io.splitee.mqtt.TransportException.Reason}.
 *
 * <p>Two client libraries implement it, chosen by {@link io.splitee.mqtt.MqttSettings#client()}
 * (configuration key {@code mqtt.client}); one contract test runs against both:
 * <ul>
 * <li>Eclipse Paho mqttv5 1.2.5, in the package-private {@code PahoTransport}, which also owns the
 *     workarounds for that version's traps (in-flight bound, maximum packet size, shared-subscription
 *     dispatch, resubscribe after a clean-start reconnect, no blocking work in its callbacks). Always on
 *     the class path; the device's choice. Threads: Paho's own ({@code MQTT Rec/Snd/Call/Con:
 *     <clientId>}) plus {@code splitee-mqtt-<clientId>-conn} (reconnects, resubscribes, connection
 *     events) and {@code -complete} (publish futures).</li>
 * <li>The HiveMQ MQTT client 1.3 (Netty, RxJava), in the package-private {@code HiveMqTransport}:
 *     copies payloads in bulk where Paho reads them byte by byte, so it is the gateway's choice. An
 *     optional dependency: a program that wants it declares it (the device jar ships without it).
 *     Threads: {@code splitee-mqtt-<clientId>-netty} (the socket), {@code -callback} (message
 *     handlers), {@code -complete} (publish and subscribe futures) and {@code -conn} (connection
 *     events). RxJava starts two global daemon threads once per JVM ({@code RxSchedulerPurge-1},
 *     {@code RxCachedWorkerPoolEvictor-1}); they are RxJava's, not the transport's.</li>
 * </ul>
 * Every transport thread ends on {@link io.splitee.mqtt.Transport#close()}.
 */
package io.splitee.mqtt;
