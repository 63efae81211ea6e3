/**
 * The {@link io.splitee.mqtt.Transport} on Eclipse Paho mqttv5 1.2.5 ({@code mqtt.client=paho}), the device's
 * client, found by {@link java.util.ServiceLoader} through {@link io.splitee.mqtt.paho.PahoTransportProvider}.
 * The package-private {@code PahoTransport} holds only what Paho differs in (connecting and its own
 * reconnect, subscribe, publish, acknowledge, its callbacks) and the workarounds for that version's traps;
 * everything else is {@link io.splitee.mqtt.TransportBase}'s.
 *
 * <p>Publishes in flight when a connection ends (read from Paho 1.2.5's classes; {@code PahoTransport}'s
 * Javadoc has the detail): Paho fails each one's token on the loss and again at every failed reconnect attempt,
 * keeps the publish, resends it with DUP set after the next CONNACK, whatever session present says, and completes
 * the same token when the resend is acknowledged; a connect with a clean start drops them silently. The transport
 * keeps such a publish pending while the session is expected to resume, so its future completes once, with the
 * resend; only the clean start after a poisoned session fails it {@code SESSION_LOST}. Except a QoS 2 publish
 * whose PUBREC had come: Paho resends its PUBREL into a new session too, where Mosquitto answers it with a
 * PUBCOMP although the message went with the lost session. The transport learns of the PUBREC from the PUBREL
 * Paho stores under {@code sc-<packet id>} (the store it gives Paho, {@code PubRelTracking}, keeps those ids;
 * they are read on the transport's {@code -conn} thread before each connect), holds such a publish's outcome
 * until the CONNACK, and fails it {@code SESSION_LOST} where no session is present (issue 20).
 *
 * <p>Threads: Paho's own ({@code MQTT Rec/Snd/Call/Con: <clientId>}; message handlers run on its callback
 * thread, {@code MQTT Call}) plus the base's {@code splitee-mqtt-<clientId>-conn} (reconnects, resubscribes,
 * connection events) and {@code -complete} (publish futures).
 */
package io.splitee.mqtt.paho;
