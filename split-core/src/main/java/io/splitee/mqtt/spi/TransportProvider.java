package io.splitee.mqtt.spi;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;

/**
 * One MQTT client library behind {@link Transport}, found by {@link java.util.ServiceLoader}: a module that
 * carries an adapter lists its provider in {@code META-INF/services/io.splitee.mqtt.spi.TransportProvider},
 * and {@link Transport#mqtt} picks the provider whose {@link #name()} is {@link MqttSettings#client()}.
 * Loading a provider must not load its client library; only {@link #create} may.
 */
public interface TransportProvider {

    /** The client as the configuration key {@code mqtt.client} spells it: {@code paho}, {@code hivemq}. */
    String name();

    /** A transport on this client for {@code settings}; nothing connects until {@link Transport#start()}. */
    Transport create(MqttSettings settings);
}
