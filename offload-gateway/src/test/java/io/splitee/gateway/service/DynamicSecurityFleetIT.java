package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.acl.FleetAcl;
import io.splitee.device.acl.PasswordFile;
import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.model.ModelPackage;
import io.splitee.model.TestPackages;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import io.splitee.testenv.Tool;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.ResultParseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real device daemon, gateway, a sample producer and an application, each with its own credentials, on a
 * Mosquitto that loads the dynamic-security plugin with the configuration {@code splitee-device acl --format
 * dynsec} prints (docs/security.md): the daemons' own subscriptions, statuses and answers all pass it, and
 * while a second device and the application try to join the gateways' shared group (refused, 0x87), every
 * sample the device offloads is answered by the gateway: no frame is handed to a member that cannot read it.
 */
class DynamicSecurityFleetIT {
    private static final String DEVICE = "dyn1";
    private static final String GATEWAY = "gwdyn";
    private static final String APP = "dash";
    private static final String SHARE = "$share/gateways/splitee/+/features";
    private static final int SAMPLES = 12;

    @Test
    void theFleetRunsUnderDynamicSecurityAndNoFrameIsLost(@TempDir Path dir) throws Exception {
        FleetAcl fleet = new FleetAcl(List.of(DEVICE, "dyn2"), List.of(GATEWAY), List.of(APP));
        List<String> lines = new ArrayList<>();
        fleet.users().forEach(u -> lines.add(u + ":pw-" + u));
        Path config = Files.writeString(dir.resolve("dynamic-security.json"),
                fleet.renderDynamicSecurity(PasswordFile.read(Files.write(dir.resolve("passwords"), lines))));
        ModelPackage pkg = TestPackages.loadReal();
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        List<Transport> clients = new ArrayList<>();
        try (MosquittoBroker broker = MosquittoBroker.builder().option("allow_anonymous false")
                .option("plugin " + Tool.MOSQUITTO_DYNSEC.path()).option("plugin_opt_config_file " + config).start();
             FrameEncoder encoder = new FrameEncoder()) {
            try {
                Map<String, ResultMessage> results = new ConcurrentHashMap<>();
                Transport app = client(clients, APP, broker);
                List<String> unreadable = new CopyOnWriteArrayList<>();
                app.subscribe("splitee/+/results", 1, m -> {
                    try {
                        ResultMessage r = ResultCodec.parse(m.payload());
                        results.put(r.sampleId(), r);
                    } catch (ResultParseException e) {
                        unreadable.add(e.getMessage());
                    }
                    app.ack(m);
                });
                app.start();

                for (String rogue : List.of("dyn2", APP)) {
                    Transport r = client(clients, rogue, broker);
                    r.start();
                    TransportException e = assertThrows(TransportException.class, () -> r.subscribe(SHARE, 1, r::ack),
                            rogue + " joins the gateways' group");
                    assertTrue(e.getMessage().contains("reason code 0x87"), e.getMessage());
                }

                try (Gateway gateway = Gateway.start(TestGateways.config(GATEWAY, broker.uri(),
                             Map.of("mqtt.username", GATEWAY, "mqtt.password", "pw-" + GATEWAY)));
                     DeviceDaemon device = DeviceDaemon.start(EndToEndIT.device(DEVICE, broker.uri(),
                             dir.resolve("state"), Map.of("policy", "fixed:6", "policy.threshold", "1.0",
                                     "offload.payload", "raw", "offload.deadline", "5s",
                                     "mqtt.username", DEVICE, "mqtt.password", "pw-" + DEVICE)))) {
                    Transport camera = client(clients, FleetAcl.producer(DEVICE), broker);
                    camera.start();
                    Set<String> sent = new TreeSet<>();
                    for (int i = 0; i < SAMPLES; i++) {
                        String id = "dyn-" + i;
                        sent.add(id);
                        Frames.publishSample(camera, encoder, pkg, hash, DEVICE, id, i);
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (System.nanoTime() < deadline && results.size() < SAMPLES) {
                        Thread.sleep(50);
                    }
                    assertEquals(List.of(), unreadable, "results the application could not read");
                    assertEquals(sent, new TreeSet<>(results.keySet()), "every sample answered; broker log:\n"
                            + broker.log());
                    for (ResultMessage r : results.values()) {
                        assertEquals(ResultMessage.Location.GATEWAY, r.computedAt(),
                                "offloaded and answered by the gateway, not finished at the deadline: " + r);
                    }
                }
            } finally {
                clients.forEach(Transport::close);
            }
        }
    }

    private static Transport client(List<Transport> clients, String user, MosquittoBroker broker) {
        Transport t = Transport.mqtt(MqttSettings.builder("dynsec-" + user + "-" + clients.size(), broker.uri())
                .cleanStart(true).sessionExpiry(Duration.ZERO).connectTimeout(Duration.ofSeconds(5))
                .credentials(MqttSettings.Credentials.of(user, "pw-" + user)).build());
        clients.add(t);
        return t;
    }
}
