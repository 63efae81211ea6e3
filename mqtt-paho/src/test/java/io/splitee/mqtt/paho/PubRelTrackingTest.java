package io.splitee.mqtt.paho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPubRel;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.junit.jupiter.api.Test;

/** What {@link PubRelTracking} knows of the PUBRELs Paho stores, as Paho 1.2.5 uses its store. */
class PubRelTrackingTest {
    @Test
    void keepsThePacketIdsOfTheStoredPubrelsAcrossAClose() throws Exception {
        PubRelTracking store = new PubRelTracking(new MemoryPersistence());
        store.open("c");
        store.put("s-3", new MqttPublish("t", new MqttMessage(new byte[1], 2, false, new MqttProperties()),
                new MqttProperties()));
        store.put("sc-4", new MqttPubRel(0, 4, new MqttProperties()));
        assertFalse(store.pubrelHeld(3), "a stored PUBLISH is no PUBREL");
        assertTrue(store.pubrelHeld(4));
        assertTrue(store.containsKey("sc-4"), "passed through");
        store.close(); // Paho closes the store when a connection ends; its memory store then forgets all
        assertFalse(store.containsKey("sc-4"));
        assertTrue(store.pubrelHeld(4), "Paho still holds the PUBREL and resends it");
        store.remove("sc-4"); // its PUBCOMP
        assertFalse(store.pubrelHeld(4));
        store.put("sc-5", new MqttPubRel(0, 5, new MqttProperties()));
        store.clear(); // a clean start: Paho drops them
        assertFalse(store.pubrelHeld(5));
    }

    @Test
    void onlyPubrelKeysCarryAPacketId() {
        assertEquals(17, PubRelTracking.pubrelId("sc-17"));
        assertEquals(0, PubRelTracking.pubrelId("s-17"));
        assertEquals(0, PubRelTracking.pubrelId("sb-17"));
        assertEquals(0, PubRelTracking.pubrelId("sc-x"));
        assertEquals(0, PubRelTracking.pubrelId("r-17"));
    }
}
