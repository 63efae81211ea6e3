package io.splitee.device.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The two renderings of one fleet's rule table: the acl_file, and the dynamic-security configuration. */
class FleetAclTest {

    private static final FleetAcl FLEET = new FleetAcl(List.of("cam1", "cam2"), List.of("gw1"), List.of("dash"));

    private static PasswordFile passwords(FleetAcl fleet) {
        List<String> lines = new ArrayList<>();
        fleet.users().forEach(u -> lines.add(u + ":pw-" + u));
        return PasswordFile.parse("test", lines, new SecureRandom());
    }

    private static JsonNode dynsec(FleetAcl fleet) throws Exception {
        return new ObjectMapper().readTree(fleet.renderDynamicSecurity(passwords(fleet)));
    }

    @Test
    void theAclFileIsTheOneShippedBefore() {
        assertEquals("""
                # SplitEE Edge: Mosquitto acl_file (printed by `splitee-device acl`; see docs/security.md).
                # Identity = MQTT user name from the password_file; set allow_anonymous false.
                # Users: cam1 cam2 cam1-producer cam2-producer gw1 dash

                # Every user: the retained statuses.
                pattern read splitee/+/status
                pattern read splitee/gateways/+/status

                # Devices: user name = device id (%u). These lines apply to every user, so no other
                # user name may be a device id (the command refuses it).
                pattern read splitee/%u/samples
                pattern write splitee/%u/features
                pattern read splitee/%u/replies
                pattern write splitee/%u/results
                pattern write splitee/%u/status

                # Sample producer (camera, replay tool) of device cam1
                user cam1-producer
                topic write splitee/cam1/samples
                topic read splitee/cam1/results

                # Sample producer (camera, replay tool) of device cam2
                user cam2-producer
                topic write splitee/cam2/samples
                topic read splitee/cam2/results

                # Gateway gw1: subscribes $share/gateways/splitee/+/features
                user gw1
                topic read splitee/+/features
                topic write splitee/+/replies
                topic write splitee/gateways/gw1/status

                # Application dash
                user dash
                topic read splitee/+/results
                """, FLEET.render());
    }

    @Test
    void dynamicSecurityDeniesByDefaultAndGivesEachUserItsRoleAndTheStatuses() throws Exception {
        JsonNode root = dynsec(FLEET);
        assertEquals(new ObjectMapper().readTree("""
                {"publishClientSend": false, "publishClientReceive": false, "subscribe": false, "unsubscribe": true}
                """), root.get("defaultACLAccess"));
        List<String> roles = new ArrayList<>();
        root.get("roles").forEach(r -> roles.add(r.get("rolename").asText()));
        assertEquals(List.of("everyone", "device:cam1", "device:cam2", "producer:cam1-producer",
                "producer:cam2-producer", "gateway:gw1", "application:dash"), roles);
        List<String> users = new ArrayList<>();
        for (JsonNode c : root.get("clients")) {
            String user = c.get("username").asText();
            users.add(user);
            List<String> own = new ArrayList<>();
            c.get("roles").forEach(r -> own.add(r.get("rolename").asText()));
            assertEquals(2, own.size(), user + ": " + own);
            assertTrue(own.get(0).endsWith(":" + user), user + ": " + own);
            assertEquals("everyone", own.get(1));
            PasswordFile.Hash h = new PasswordFile.Hash(c.get("iterations").asInt(),
                    Base64.getDecoder().decode(c.get("salt").asText()),
                    Base64.getDecoder().decode(c.get("password").asText()));
            assertTrue(h.matches("pw-" + user), user + "'s stored hash is of its password");
        }
        assertEquals(FLEET.users(), users);
        assertTrue(root.get("groups").isArray() && root.get("groups").isEmpty());
        assertFalse(root.toString().contains("%u"), "dynamic security in 2.0.11 has no %u: one role per device");
    }

    @Test
    void onlyTheGatewaysMaySubscribeTheirSharedGroup() throws Exception {
        for (String group : List.of("gateways", "gpu-pool")) {
            FleetAcl fleet = new FleetAcl(List.of("cam1"), List.of("gw1", "gw2"), List.of("dash"), group);
            Map<String, Set<String>> shares = new LinkedHashMap<>();
            for (JsonNode role : dynsec(fleet).get("roles")) {
                Set<String> s = new TreeSet<>();
                for (JsonNode acl : role.get("acls")) {
                    if (acl.get("topic").asText().startsWith("$share")) {
                        s.add(acl.get("acltype").asText() + " " + acl.get("topic").asText());
                    }
                }
                if (!s.isEmpty()) {
                    shares.put(role.get("rolename").asText(), s);
                }
            }
            Set<String> literal = Set.of("subscribeLiteral $share/" + group + "/splitee/+/features");
            assertEquals(Map.of("gateway:gw1", literal, "gateway:gw2", literal), shares, group);
        }
    }

    /**
     * What each user may do, read back from each rendering, is the same: the acl_file's lines for the user (the
     * {@code %u} patterns with the device's id for a device) and the dynamic-security ACLs of the client's roles.
     * The acl_file's pattern lines also apply to non-devices, on a subtree named after their user name that
     * belongs to no device (docs/security.md): those are left out of the comparison.
     */
    @Test
    void bothRenderingsGrantTheSame() throws Exception {
        Map<String, Set<String>> fromAclFile = new LinkedHashMap<>();
        List<String> patterns = new ArrayList<>();
        String user = null;
        for (String line : FLEET.render().lines().toList()) {
            if (line.startsWith("pattern ")) {
                patterns.add(line.substring("pattern ".length()));
            } else if (line.startsWith("user ")) {
                user = line.substring("user ".length());
            } else if (line.startsWith("topic ")) {
                fromAclFile.computeIfAbsent(user, u -> new TreeSet<>()).add(line.substring("topic ".length()));
            }
        }
        for (String u : FLEET.users()) {
            Set<String> rules = fromAclFile.computeIfAbsent(u, x -> new TreeSet<>());
            for (String p : patterns) {
                if (!p.contains("%u") || FLEET.devices().contains(u)) {
                    rules.add(p.replace("%u", u));
                }
            }
        }

        JsonNode root = dynsec(FLEET);
        Map<String, Set<String>> acls = new LinkedHashMap<>();
        for (JsonNode role : root.get("roles")) {
            Set<String> s = new TreeSet<>();
            role.get("acls").forEach(a -> {
                assertTrue(a.get("allow").asBoolean(), a.toString());
                s.add(a.get("acltype").asText() + " " + a.get("topic").asText());
            });
            acls.put(role.get("rolename").asText(), s);
        }
        Map<String, Set<String>> fromDynsec = new LinkedHashMap<>();
        for (JsonNode c : root.get("clients")) {
            Set<String> granted = new TreeSet<>();
            c.get("roles").forEach(r -> granted.addAll(acls.get(r.get("rolename").asText())));
            Set<String> rules = new TreeSet<>();
            for (String g : granted) {
                String type = g.substring(0, g.indexOf(' '));
                String topic = g.substring(g.indexOf(' ') + 1);
                switch (type) {
                    case "publishClientSend" -> rules.add("write " + topic);
                    case "subscribePattern" -> {
                        assertTrue(granted.contains("publishClientReceive " + topic), "read = subscribe + receive: " + g);
                        rules.add("read " + topic);
                    }
                    case "publishClientReceive" -> assertTrue(granted.contains("subscribePattern " + topic), g);
                    case "subscribeLiteral" -> assertEquals("$share/gateways/splitee/+/features", topic);
                    default -> throw new AssertionError("unexpected ACL " + g);
                }
            }
            fromDynsec.put(c.get("username").asText(), rules);
        }
        assertEquals(fromAclFile, fromDynsec);
        assertEquals(Set.of("read splitee/+/status", "read splitee/gateways/+/status", "read splitee/cam1/samples",
                "write splitee/cam1/features", "read splitee/cam1/replies", "write splitee/cam1/results",
                "write splitee/cam1/status"), fromDynsec.get("cam1"));
    }

    @Test
    void passwordsMustCoverTheFleetExactly() {
        PasswordFile short1 = PasswordFile.parse("p", List.of("cam1:a", "cam1-producer:b"), new SecureRandom());
        FleetAcl one = new FleetAcl(List.of("cam1"), List.of("gw1"), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> one.renderDynamicSecurity(short1));
        assertTrue(e.getMessage().startsWith("no password for gw1 "), e.getMessage());
        PasswordFile extra = PasswordFile.parse("p", List.of("cam1:a", "cam1-producer:b", "gw1:c", "gw9:d"),
                new SecureRandom());
        e = assertThrows(IllegalArgumentException.class, () -> one.renderDynamicSecurity(extra));
        assertTrue(e.getMessage().startsWith("'gw9' has a password but is no user of this fleet"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FleetAcl(List.of("cam1"), List.of(),
                List.of(), "a/b")).getMessage().startsWith("shared-group: 'a/b' "));
    }
}
