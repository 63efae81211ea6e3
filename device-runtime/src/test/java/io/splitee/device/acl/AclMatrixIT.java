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
 * The ACL matrix of docs/security.md against a real Mosquitto started from the file {@link FleetAcl} renders and
 * a password file made by {@code mosquitto_passwd}: every role publishes to and subscribes to every topic of a
 * two-device fleet, and what each role received is compared, exactly, with what the documented table allows.
 * A message W published on T reaches R if and only if W may write T and R may read T; every topic has a
 * documented writer and reader, so each single permission shows in the result.
 */
class AclMatrixIT {

    private static final List<String> DEVICES = List.of("cam1", "cam2");
    private static final List<String> ROLES = List.of("cam1", "cam2", "cam1-producer", "cam2-producer", "gw1", "app1");
    private static final String SHARE = "$share/gateways/splitee/+/features";

    @TempDir
    Path dir;

    private MosquittoBroker broker;
    private final List<Transport> clients = new ArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        FleetAcl fleet = new FleetAcl(DEVICES, List.of("gw1"), List.of("app1"));
        assertEquals(ROLES, fleet.users());
        Path acl = Files.writeString(dir.resolve("acl"), fleet.render());
        Path passwords = dir.resolve("passwd");
        List<String> lines = new ArrayList<>();
        for (String user : ROLES) {
            lines.add(user + ":pw-" + user);
        }
        Files.write(passwords, lines);
        Process p = new ProcessBuilder(Tool.MOSQUITTO_PASSWD.path().toString(), "-U", passwords.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "mosquitto_passwd -U finishes");
        assertEquals(0, p.exitValue(), "mosquitto_passwd -U: " + out);
        broker = MosquittoBroker.builder().option("allow_anonymous false")
                .option("password_file " + passwords).option("acl_file " + acl).start();
    }

    @AfterEach
    void stop() {
        clients.forEach(Transport::close);
        if (broker != null) {
            broker.close();
        }
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

    private Transport client(String user, String password) {
        Transport t = Transport.mqtt(MqttSettings.builder("acl-" + user, broker.uri()).cleanStart(true)
                .sessionExpiry(Duration.ZERO).connectTimeout(Duration.ofSeconds(5))
                .credentials(MqttSettings.Credentials.of(user, password)).build());
        clients.add(t);
        return t;
    }

    @Test
    void everyRoleReadsAndWritesExactlyTheDocumentedTopics() throws Exception {
        List<String> topics = topics();
        Map<String, Set<String>> received = new LinkedHashMap<>();
        Map<String, Transport> byRole = new LinkedHashMap<>();
        for (String role : ROLES) {
            Set<String> inbox = ConcurrentHashMap.newKeySet();
            received.put(role, inbox);
            Transport t = client(role, "pw-" + role);
            for (String topic : topics) {
                t.subscribe(topic, 1, m -> {
                    inbox.add(new String(m.payload(), UTF_8) + " on " + m.topic());
                    byRole.get(role).ack(m);
                });
            }
            byRole.put(role, t);
            t.start();
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
        int allowedReads = 0;
        int allowedWrites = 0;
        for (String reader : ROLES) {
            Set<String> e = new TreeSet<>();
            for (String topic : topics) {
                allowedReads += mayRead(reader, topic) ? 1 : 0;
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
    }

    @Test
    void onlyGatewaysReadFeaturesThroughTheSharedSubscription() throws Exception {
        Set<String> gateway = ConcurrentHashMap.newKeySet();
        Transport gw = client("gw1", "pw-gw1");
        gw.subscribe(SHARE, 1, m -> {
            gateway.add(new String(m.payload(), UTF_8));
            gw.ack(m);
        });
        gw.start();
        Transport cam2 = client("cam2", "pw-cam2");
        cam2.start();
        for (int i = 0; i < 10; i++) {
            cam2.publish(Outgoing.of("splitee/cam2/features", ("a" + i).getBytes(UTF_8), 1)).get(5, TimeUnit.SECONDS);
        }
        waitFor(() -> gateway.size() == 10);
        assertEquals(10, gateway.size(), "the gateway alone gets every frame");

        // Non-gateways join the group: Mosquitto 2.0.11 grants the subscription (an acl_file is checked on
        // delivery only) but never delivers them a frame; the frames it hands them are lost (docs/security.md).
        Set<String> rogues = ConcurrentHashMap.newKeySet();
        for (String rogue : List.of("cam1", "app1")) {
            Transport r = client(rogue, "pw-" + rogue);
            r.subscribe(SHARE, 1, m -> {
                rogues.add(rogue + " got " + new String(m.payload(), UTF_8));
                r.ack(m);
            });
            r.start();
        }
        for (int i = 0; i < 12; i++) {
            cam2.publish(Outgoing.of("splitee/cam2/features", ("b" + i).getBytes(UTF_8), 1)).get(5, TimeUnit.SECONDS);
        }
        Thread.sleep(1000);
        assertEquals(Set.of(), rogues, "non-gateways never read a frame");
        long served = gateway.stream().filter(s -> s.startsWith("b")).count();
        assertTrue(served > 0 && served < 12, "the gateway got " + served + " of 12: the rest went to the rogues "
                + "and were dropped (the documented limit of acl_file; dynamic security closes it)");
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

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !condition.getAsBoolean()) {
            Thread.sleep(20);
        }
    }
}
