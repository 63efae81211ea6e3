package io.splitee.device.acl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ACL matrix ({@link AclMatrixContract}) with a Mosquitto started from the {@code acl_file} {@link FleetAcl}
 * renders and a password file hashed by {@code mosquitto_passwd}; and the limit of that route: the shared
 * subscription of the gateways is granted to anyone (docs/security.md).
 */
class AclMatrixIT extends AclMatrixContract {

    @Override
    MosquittoBroker startBroker(FleetAcl fleet, Map<String, String> passwords) throws Exception {
        Path acl = Files.writeString(dir.resolve("acl"), fleet.render());
        Path passwordFile = hashedPasswordFile(dir.resolve("passwd"), passwords);
        return MosquittoBroker.builder().option("allow_anonymous false")
                .option("password_file " + passwordFile).option("acl_file " + acl).start();
    }

    @Override
    boolean refusesDeniedSubscriptions() {
        return false; // Mosquitto 2.0.11 checks an acl_file on delivery only
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
                + "and were dropped (the documented limit of acl_file; dynamic security closes it: DynamicSecurityIT)");
    }
}
