package io.splitee.device.acl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.testenv.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ACL matrix ({@link AclMatrixContract}) with a Mosquitto that loads Debian's dynamic-security plugin
 * ({@code mosquitto_dynamic_security.so}, {@link Tool#MOSQUITTO_DYNSEC}) with the configuration
 * {@link FleetAcl#renderDynamicSecurity} prints, no {@code password_file} and no {@code acl_file}; and what that
 * route adds: a SUBSCRIBE to the gateways' shared group is refused to everyone but the gateways, so no frame is
 * handed to a client that cannot read it. The password file mixes plain-text passwords (devices, producers)
 * with {@code mosquitto_passwd} hashes (gateway, application), the two forms {@link PasswordFile} takes. The
 * plugin writes its configuration back on changes, so it gets a copy in the test's directory.
 */
class DynamicSecurityIT extends AclMatrixContract {

    @Override
    MosquittoBroker startBroker(FleetAcl fleet, Map<String, String> passwords) throws Exception {
        Map<String, String> hashedOnes = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        passwords.forEach((user, password) -> {
            if (user.startsWith("cam")) {
                lines.add(user + ":" + password);
            } else {
                hashedOnes.put(user, password);
            }
        });
        lines.addAll(Files.readAllLines(hashedPasswordFile(dir.resolve("hashed"), hashedOnes)));
        assertEquals(2, lines.stream().filter(l -> l.contains(":$7$")).count(), "two entries hashed: " + hashedOnes);
        Path passwordFile = Files.write(dir.resolve("passwords"), lines);
        Path config = Files.writeString(dir.resolve("dynamic-security.json"),
                fleet.renderDynamicSecurity(PasswordFile.read(passwordFile)));
        return MosquittoBroker.builder().option("allow_anonymous false")
                .option("plugin " + Tool.MOSQUITTO_DYNSEC.path())
                .option("plugin_opt_config_file " + config).start();
    }

    @Override
    boolean refusesDeniedSubscriptions() {
        return true;
    }

    @Test
    void onlyGatewaysJoinTheSharedGroupAndNoFrameIsLost() throws Exception {
        Set<String> gateway = ConcurrentHashMap.newKeySet();
        Transport gw = client("gw1", "pw-gw1");
        gw.subscribe(SHARE, 1, m -> {
            gateway.add(new String(m.payload(), UTF_8));
            gw.ack(m);
        });
        gw.start(); // throws if the broker refused the gateway's shared subscription
        assertFalse(trySubscribe(gw, "$share/other/splitee/+/features", m -> gw.ack(m)),
                "a gateway joins its own group only");

        // Non-gateways try to join the group (the acl_file route grants this: AclMatrixIT): refused with 0x87.
        Set<String> rogues = ConcurrentHashMap.newKeySet();
        Map<String, String> attempts = Map.of("cam1", SHARE, "app1", SHARE,
                "cam1-producer", "$share/gateways/splitee/cam1/features");
        for (Map.Entry<String, String> a : attempts.entrySet()) {
            Transport r = client(a.getKey(), "pw-" + a.getKey());
            r.start();
            assertFalse(trySubscribe(r, a.getValue(), m -> {
                rogues.add(a.getKey() + " got " + new String(m.payload(), UTF_8));
                r.ack(m);
            }), a.getKey() + " joins " + a.getValue());
            assertTrue(r.isConnected(), a.getKey() + " is refused the subscription, not disconnected");
        }

        Transport cam2 = client("cam2", "pw-cam2");
        cam2.start();
        Set<String> sent = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
            sent.add("f" + i);
            cam2.publish(Outgoing.of("splitee/cam2/features", ("f" + i).getBytes(UTF_8), 1)).get(5, TimeUnit.SECONDS);
        }
        waitFor(() -> gateway.size() == sent.size());
        Thread.sleep(500); // a frame handed to anyone else would show now
        assertEquals(sent, new TreeSet<>(gateway), "the gateway got every frame: none went to a rogue member");
        assertEquals(Set.of(), rogues, "non-gateways never read a frame");
    }
}
