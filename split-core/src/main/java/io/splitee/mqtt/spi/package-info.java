/**
 * The service interface between {@link io.splitee.mqtt.Transport#mqtt} and the modules that carry an MQTT
 * client: {@link io.splitee.mqtt.spi.TransportProvider}. A program has a client when it depends on its
 * module ({@code io.splitee:mqtt-paho}, {@code io.splitee:mqtt-hivemq}); split-core itself depends on
 * neither. The adapters extend {@link io.splitee.mqtt.TransportBase}.
 */
package io.splitee.mqtt.spi;
