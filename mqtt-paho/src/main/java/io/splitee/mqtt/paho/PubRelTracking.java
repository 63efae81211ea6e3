package io.splitee.mqtt.paho;

import java.util.Enumeration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;

/**
 * The store Paho 1.2.5 is given ({@link FilePersistence} or its memory store), passed through as it is, plus the
 * packet ids of the QoS 2 publishes whose PUBREC came and whose PUBCOMP has not: Paho has no event for a PUBREC,
 * but it stores the PUBREL it answers with under {@code sc-<packet id>} ({@code ClientState.send}) and removes it at
 * the PUBCOMP ({@code ClientState.notifyComplete}). The ids are kept here rather than read back from the store:
 * Paho closes the store when a connection ends ({@code ClientComms.shutdownConnection}), and its memory store
 * forgets everything on close, though Paho keeps and resends the PUBRELs. A {@link #clear()} (Paho's clean start,
 * which drops them) forgets the ids too. Called on Paho's threads: a set operation, nothing more.
 */
final class PubRelTracking implements MqttClientPersistence {
    /** The key prefix of a stored PUBREL in Paho 1.2.5. */
    static final String PUBREL_PREFIX = "sc-";

    private final MqttClientPersistence store;
    private final Set<Integer> pubrels = ConcurrentHashMap.newKeySet();

    PubRelTracking(MqttClientPersistence store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Whether Paho holds the PUBREL of packet {@code id}: its PUBREC came, its PUBCOMP has not. */
    boolean pubrelHeld(int id) {
        return pubrels.contains(id);
    }

    @Override
    public void open(String clientId) throws MqttPersistenceException {
        store.open(clientId);
    }

    @Override
    public void close() throws MqttPersistenceException {
        store.close();
    }

    @Override
    public void put(String key, MqttPersistable data) throws MqttPersistenceException {
        store.put(key, data);
        int id = pubrelId(key);
        if (id > 0) {
            pubrels.add(id);
        }
    }

    @Override
    public MqttPersistable get(String key) throws MqttPersistenceException {
        return store.get(key);
    }

    @Override
    public void remove(String key) throws MqttPersistenceException {
        int id = pubrelId(key);
        if (id > 0) {
            pubrels.remove(id);
        }
        store.remove(key);
    }

    @Override
    public Enumeration<String> keys() throws MqttPersistenceException {
        return store.keys();
    }

    @Override
    public void clear() throws MqttPersistenceException {
        pubrels.clear();
        store.clear();
    }

    @Override
    public boolean containsKey(String key) throws MqttPersistenceException {
        return store.containsKey(key);
    }

    /** The packet id of a stored PUBREL's key, or 0 for any other key. */
    static int pubrelId(String key) {
        if (!key.startsWith(PUBREL_PREFIX)) {
            return 0;
        }
        try {
            return Integer.parseInt(key, PUBREL_PREFIX.length(), key.length(), 10);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
