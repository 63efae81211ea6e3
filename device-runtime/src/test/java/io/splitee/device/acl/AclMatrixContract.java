package io.splitee.device.acl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import io.splitee.testenv.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACL matrix of docs/security.md against a real Mosquitto, as a contract that each way of configuring the
 * broker from {@link FleetAcl} must pass ({@link AclMatrixIT}: {@code acl_file} and {@code password_file};
 * {@link DynamicSecurityIT}: the dynamic-security plugin): every role subscribes to and publishes on every
 * topic of a two-device fleet, and what each role received is compared, exactly, with what the documented
 * table allows. A message W published on T reaches R if and only if W may write T and R may read T; every topic
 * has a documented writer and reader, so each single permission shows in the result. Which SUBSCRIBEs the
 * broker refuses is part of the contract too: none with the {@code acl_file} (Mosquitto 2.0.11 checks it on
 * delivery only), exactly the ones the table denies with dynamic security.
 */
abstract class AclMatrixContract {

    static final List<String> DEVICES = List.of("cam1", "cam2");
    static final List<String> ROLES = List.of("cam1", "cam2", "cam1-producer", "cam2-producer", "gw1", "app1");
    static final String SHARE = "$share/gateways/splitee/+/features";

    @TempDir
    Path dir;

    MosquittoBroker broker;
    private final List<Transport> clients = new ArrayList<>();

    /**
     * Starts a broker that enforces {@code fleet} and authenticates each of its users with {@code passwords}
     * (user name to plain-text password).
     */
    abstract MosquittoBroker startBroker(FleetAcl fleet, Map<String, String> passwords) throws Exception;

    /** Whether the broker refuses a SUBSCRIBE the table denies (reason 0x87) instead of granting it. */
    abstract boolean refusesDeniedSubscriptions();

    @BeforeEach
    void startBroker() throws Exception {
        FleetAcl fleet = new FleetAcl(DEVICES, List.of("gw1"), List.of("app1"));
        assertEquals(ROLES, fleet.users());
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String user : ROLES) {
            passwords.put(user, "pw-" + user);
        }
        broker = startBroker(fleet, passwords);
    }

    @AfterEach
    void stop() {
        clients.forEach(Transport::close);
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * Writes {@code passwords} as {@code user:password} lines to {@code file} and hashes them in place with
     * {@code mosquitto_passwd -U}, as docs/security.md tells an operator to.
     */
    static Path hashedPasswordFile(Path file, Map<String, String> passwords) throws Exception {
        List<String> lines = new ArrayList<>();
        passwords.forEach((user, password) -> lines.add(user + ":" + password));
        Files.write(file, lines);
        Process p = new ProcessBuilder(Tool.MOSQUITTO_PASSWD.path().toString(), "-U", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "mosquitto_passwd -U finishes");
        assertEquals(0, p.exitValue(), "mosquitto_passwd -U: " + out);
        return file;
    }

    /** The documented table: which topics a role may read. */
    static boolean mayRead(String role, String topic) {
        if (topic.endsWith("/status")) {
            return true; // every user reads the statuses
        }
        String[] t = topic.split("/");
        String device = t[1];
        String kind = t[2];
        return switch (role) {
            case "gw1" -> kind.equals("features");
            case "app1" -> kind.equals("results");
            default -> role.equals(device) ? kind.equals("samples") || kind.equals("replies")
                    : role.equals(FleetAcl.producer(device)) && kind.equals("results");
        };
    }

    /** The documented table: which topics a role may write. */
    static boolean mayWrite(String role, String topic) {
        String[] t = topic.split("/");
        if (t[1].equals("gateways")) {
            return role.equals(t[2]);
        }
        String device = t[1];
        String kind = t[2];
        return switch (role) {
            case "gw1" -> kind.equals("replies");
            case "app1" -> false;
            default -> role.equals(device) ? Set.of("features", "results", "status").contains(kind)
                    : role.equals(FleetAcl.producer(device)) && kind.equals("samples");
        };
    }

    static List<String> topics() {
        List<String> topics = new ArrayList<>();
        for (String d : DEVICES) {
            for (String kind : List.of("samples", "features", "replies", "results", "status")) {
                topics.add("splitee/" + d + "/" + kind);
            }
        }
        topics.add("splitee/gateways/gw1/status");
        return topics;
    }

    Transport client(String user, String password) {
        Transport t = Transport.mqtt(MqttSettings.builder("acl-" + user, broker.uri()).cleanStart(true)
                .sessionExpiry(Duration.ZERO).connectTimeout(Duration.ofSeconds(5))
                .credentials(MqttSettings.Credentials.of(user, password)).build());
        clients.add(t);
        return t;
    }

    /** Subscribes; the broker's refusal comes back as {@code false}, after checking it is "not authorized". */
    static boolean trySubscribe(Transport t, String filter, Transport.MessageHandler handler) throws TransportException {
        try {
            t.subscribe(filter, 1, handler);
            return true;
        } catch (TransportException e) {
            assertEquals(TransportException.Reason.REJECTED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("reason code 0x87"), "refused as not authorized (135): " + e.getMessage());
            return false;
        }
    }

    @Test
    void everyRoleReadsAndWritesExactlyTheDocumentedTopics() throws Exception {
        List<String> topics = topics();
        Map<String, Set<String>> received = new LinkedHashMap<>();
        Map<String, Transport> byRole = new LinkedHashMap<>();
        Set<String> refused = new TreeSet<>();
        for (String role : ROLES) {
            Set<String> inbox = ConcurrentHashMap.newKeySet();
            received.put(role, inbox);
            Transport t = client(role, "pw-" + role);
            byRole.put(role, t);
            t.start();
            for (String topic : topics) {
                if (!trySubscribe(t, topic, m -> {
                    inbox.add(new String(m.payload(), UTF_8) + " on " + m.topic());
                    t.ack(m);
                })) {
                    refused.add(role + " " + topic);
                }
            }
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (String writer : ROLES) {
            for (String topic : topics) {
                sent.add(byRole.get(writer).publish(Outgoing.of(topic, writer.getBytes(UTF_8), 1))
                        .exceptionally(e -> null)); // a denied publish: Mosquitto answers or drops; either is fine
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        Map<String, Set<String>> expected = new LinkedHashMap<>();
        Set<String> deniedReads = new TreeSet<>();
        int allowedReads = 0;
        int allowedWrites = 0;
        for (String reader : ROLES) {
            Set<String> e = new TreeSet<>();
            for (String topic : topics) {
                allowedReads += mayRead(reader, topic) ? 1 : 0;
                if (!mayRead(reader, topic)) {
                    deniedReads.add(reader + " " + topic);
                }
                for (String writer : ROLES) {
                    if (mayRead(reader, topic) && mayWrite(writer, topic)) {
                        e.add(writer + " on " + topic);
                    }
                }
            }
            expected.put(reader, e);
        }
        for (String writer : ROLES) {
            for (String topic : topics) {
                allowedWrites += mayWrite(writer, topic) ? 1 : 0;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !expected.entrySet().stream()
                .allMatch(en -> received.get(en.getKey()).containsAll(en.getValue()))) {
            Thread.sleep(20);
        }
        Thread.sleep(500); // anything the ACL lets through late would show now
        for (String role : ROLES) {
            assertEquals(expected.get(role), new TreeSet<>(received.get(role)), "what " + role + " received");
        }
        // 6 roles x 11 topics: the table is not trivially all-allowed or all-denied
        assertEquals(28, allowedReads, "documented reads");
        assertEquals(11, allowedWrites, "documented writes");
        assertEquals(refusesDeniedSubscriptions() ? deniedReads : Set.of(), refused, "refused SUBSCRIBEs");
    }

    @Test
    void anonymousAndWrongPasswordsAreRefused() {
        Transport anonymous = Transport.mqtt(MqttSettings.builder("acl-anon", broker.uri()).cleanStart(true)
                .sessionExpiry(Duration.ZERO).connectTimeout(Duration.ofSeconds(5)).build());
        clients.add(anonymous);
        assertEquals(TransportException.Reason.CONNECT_FAILED,
                assertThrows(TransportException.class, anonymous::start).reason());
        Transport wrong = client("cam1", "pw-cam2");
        assertEquals(TransportException.Reason.CONNECT_FAILED,
                assertThrows(TransportException.class, wrong::start).reason());
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !condition.getAsBoolean()) {
            Thread.sleep(20);
        }
    }
}
