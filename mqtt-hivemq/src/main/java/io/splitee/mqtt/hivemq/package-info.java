/**
 * The {@link io.splitee.mqtt.Transport} on the HiveMQ MQTT client 1.3 (Netty, RxJava;
 * {@code mqtt.client=hivemq}), the gateway's client: it copies payloads in bulk where Paho reads them byte by
 * byte. Found by {@link java.util.ServiceLoader} through
 * {@link io.splitee.mqtt.hivemq.HiveMqTransportProvider}; a program has it when it depends on this module
 * (the device jar does not). The package-private {@code HiveMqTransport} holds only what this client differs
 * in (connecting, subscribe, publish, acknowledge, its listeners and flow, the resubscription barrier, the
 * raised Receive Maximum); everything else is {@link io.splitee.mqtt.TransportBase}'s.
 *
 * <p>Threads: {@code splitee-mqtt-<clientId>-netty} (the socket), and the base's {@code -callback} (message
 * handlers), {@code -complete} (publish and subscribe futures) and {@code -conn} (connection events). RxJava
 * starts two global daemon threads once per JVM ({@code RxSchedulerPurge-1},
 * {@code RxCachedWorkerPoolEvictor-1}); they are RxJava's, not the transport's.
 */
package io.splitee.mqtt.hivemq;
