/**
 * The {@link io.splitee.mqtt.Transport} on Eclipse Paho mqttv5 1.2.5 ({@code mqtt.client=paho}), the device's
 * client, found by {@link java.util.ServiceLoader} through {@link io.splitee.mqtt.paho.PahoTransportProvider}.
 * The package-private {@code PahoTransport} holds only what Paho differs in (connecting and its own
 * reconnect, subscribe, publish, acknowledge, its callbacks) and the workarounds for that version's traps;
 * everything else is {@link io.splitee.mqtt.TransportBase}'s.
 *
 * <p>Threads: Paho's own ({@code MQTT Rec/Snd/Call/Con: <clientId>}; message handlers run on its callback
 * thread, {@code MQTT Call}) plus the base's {@code splitee-mqtt-<clientId>-conn} (reconnects, resubscribes,
 * connection events) and {@code -complete} (publish futures).
 */
package io.splitee.mqtt.paho;
