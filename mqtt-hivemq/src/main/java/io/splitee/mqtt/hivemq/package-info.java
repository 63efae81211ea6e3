/**
 * The {@link io.splitee.mqtt.Transport} on the HiveMQ MQTT client 1.3 (Netty, RxJava;
 * {@code mqtt.client=hivemq}), the gateway's client: it copies payloads in bulk where Paho reads them byte by
 * byte. Found by {@link java.util.ServiceLoader} through
 * {@link io.splitee.mqtt.hivemq.HiveMqTransportProvider}; a program has it when it depends on this module
 * (the device jar does not). The package-private {@code HiveMqTransport} holds only what this client differs
 * in (connecting, subscribe, publish, acknowledge, its listeners and flow, the resubscription barrier, the
 * raised Receive Maximum); everything else is {@link io.splitee.mqtt.TransportBase}'s.
 *
 * <p>Publishes in flight when a connection ends (read from the client's 1.3.7 classes; {@code HiveMqTransport}'s
 * Javadoc has the detail): the client leaves their futures open, resends them with DUP set when the session
 * resumes and completes each future with the resend's acknowledgement; it fails them
 * ({@code MqttSessionExpiredException}) when a CONNACK has no session present, when the session expiry elapses
 * client-side, or at once for an expiry of 0. The transport keeps such a publish pending while the session is
 * expected to resume and fails it {@code SESSION_LOST} when the client ends the session. Except a QoS 2 publish
 * whose PUBREC had come, which the client completes successfully when the session ends, though the broker may
 * have lost it with the session: the transport learns of each PUBREC from the client's outgoing QoS 2
 * interceptor ({@code Mqtt5OutgoingQos2Interceptor.onPubRec}), holds such a publish's outcome across a lost
 * connection until the CONNACK, and fails it {@code SESSION_LOST} where no session is present (issue 20).
 *
 * <p>Threads: {@code splitee-mqtt-<clientId>-netty} (the socket), and the base's {@code -callback} (message
 * handlers), {@code -complete} (publish and subscribe futures) and {@code -conn} (connection events). RxJava
 * starts two global daemon threads once per JVM ({@code RxSchedulerPurge-1},
 * {@code RxCachedWorkerPoolEvictor-1}); they are RxJava's, not the transport's.
 */
package io.splitee.mqtt.hivemq;
