package io.splitee.mqtt.paho;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.Outgoing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPubRel;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store Paho keeps its in-flight state in: what a next process finds in it. No broker: Paho's packets only. */
class FilePersistenceTest {

    /** A publish as Paho stores it: with the alias of its connection and no topic name when {@code aliased}. */
    private static MqttPublish publish(int id, int qos, String sampleId, boolean aliased) {
        MqttProperties props = new MqttProperties();
        props.setCorrelationData(sampleId.getBytes(StandardCharsets.UTF_8));
        props.setContentType("application/json");
        MqttMessage m = new MqttMessage(("{\"sample_id\":\"" + sampleId + "\"}").getBytes(StandardCharsets.UTF_8),
                qos, false, props);
        MqttPublish p = new MqttPublish("splitee/cam/results", m, props);
        p.setMessageId(id);
        if (aliased) {
            props.setTopicAlias(3);
            p.setTopicName(null);
        }
        return p;
    }

    private static void put(FilePersistence s, MqttPublish p) throws MqttPersistenceException {
        s.publishing().set("splitee/cam/results");
        try {
            s.put("s-" + p.getMessageId(), p);
        } finally {
            s.publishing().remove();
        }
    }

    private static List<String> ids(List<Outgoing> earlier) {
        return earlier.stream().map(o -> new String(o.correlationData(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aNextProcessFindsTheQos2PublishesInFlightWithTheirTopicNamesAndTheCompletedOnes(@TempDir Path dir)
            throws Exception {
        FilePersistence first = new FilePersistence(dir, 2);
        first.open("splitee-device-cam");
        assertTrue(first.earlier().isEmpty());
        put(first, publish(1, 2, "a", false));
        put(first, publish(2, 2, "b", true)); // Paho stores the second publish to a topic with its alias only
        put(first, publish(3, 1, "c", true)); // QoS 1: resent, but not listed (the broker may deliver it twice)
        put(first, publish(4, 2, "d", true));
        first.put("sc-4", new MqttPubRel(0, 4, new MqttProperties())); // PUBREC came: the publish stays until its PUBCOMP
        first.remove("s-1"); // PUBCOMP of 1: a record, not forgotten
        first.remove("s-3"); // PUBACK of 3: forgotten
        assertEquals(List.of("s-2", "s-4", "sc-4"), Collections.list(first.keys()).stream().sorted().toList(),
                "Paho sees only its own keys");
        first.close(); // Paho closes its persistence when a connection ends: nothing changes
        first.release(); // the process is killed

        FilePersistence next = new FilePersistence(dir, 2);
        next.open("splitee-device-cam");
        assertEquals(List.of("b", "d", "a"), ids(next.earlier()), "in flight first, then completed");
        for (Outgoing o : next.earlier()) {
            assertEquals("splitee/cam/results", o.topic(), "a topic name, never an alias: " + o);
            assertEquals(2, o.qos());
        }
        MqttPublish restored = (MqttPublish) MqttWireMessage.createWireMessage(next.get("s-2"));
        assertEquals("splitee/cam/results", restored.getTopicName(), "Paho resends it with its topic name");
        assertNull(restored.getProperties().getTopicAlias());
        assertEquals(2, restored.getMessageId(), "and its packet id");
        assertArrayEquals("{\"sample_id\":\"b\"}".getBytes(StandardCharsets.UTF_8), restored.getPayload());
        assertTrue(next.containsKey("sc-4"));
        assertFalse(next.containsKey("s-1"));

        next.remove("s-2"); // completed now: the record keeps the last 2
        next.remove("s-4");
        next.remove("sc-4");
        try (Stream<Path> files = Files.list(dir.resolve("splitee-device-cam"))) {
            assertEquals(2, files.filter(f -> f.getFileName().toString().startsWith("done-")).count());
        }
        next.release();
        FilePersistence third = new FilePersistence(dir, 2);
        third.open("splitee-device-cam");
        assertEquals(List.of("b", "d"), ids(third.earlier()), "the two completed last");
        third.clear(); // a clean start: the session and its record are gone
        third.release();
        FilePersistence fourth = new FilePersistence(dir, 2);
        fourth.open("splitee-device-cam");
        assertTrue(fourth.earlier().isEmpty());
        fourth.release();
    }

    @Test
    void aSecondClientWithTheSameIdIsRefusedUntilTheFirstReleasesIt(@TempDir Path dir) throws Exception {
        FilePersistence a = new FilePersistence(dir, 4);
        a.open("cam/1");
        assertTrue(Files.isDirectory(dir.resolve("cam_1")), "the client id as a directory name");
        FilePersistence b = new FilePersistence(dir, 4);
        MqttPersistenceException e = assertThrows(MqttPersistenceException.class, () -> b.open("cam/1"));
        assertEquals(MqttPersistenceException.REASON_CODE_PERSISTENCE_IN_USE, e.getReasonCode());
        a.release();
        a.release(); // idempotent
        b.open("cam/1");
        b.release();
    }

    @Test
    void aWriteCutOffByAKillIsDropped(@TempDir Path dir) throws Exception {
        FilePersistence a = new FilePersistence(dir, 4);
        a.open("cam");
        put(a, publish(7, 2, "x", false));
        a.release();
        Files.write(dir.resolve("cam").resolve("s-8.tmp"), new byte[] {0x34, 0x7f}); // torn: never renamed
        FilePersistence b = new FilePersistence(dir, 4);
        b.open("cam");
        assertEquals(List.of("x"), ids(b.earlier()));
        assertEquals(List.of("s-7"), Collections.list(b.keys()));
        assertFalse(Files.exists(dir.resolve("cam").resolve("s-8.tmp")));
        b.release();
    }
}
