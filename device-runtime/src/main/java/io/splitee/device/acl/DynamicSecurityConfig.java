package io.splitee.device.acl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link FleetAcl} as the configuration file of Mosquitto 2.0's dynamic-security plugin, with the
 * field names the plugin reads ({@code defaultACLAccess}; {@code roles[].rolename}, {@code textname},
 * {@code acls[].acltype}, {@code topic}, {@code allow}; {@code clients[].username}, {@code textname},
 * {@code roles[].rolename}, {@code password}, {@code salt}, {@code iterations}; {@code groups}). A read rule
 * becomes {@code subscribePattern} and {@code publishClientReceive}, a write rule {@code publishClientSend};
 * the gateways' shared read adds {@code subscribeLiteral $share/<group>/splitee/+/features}. The plugin
 * compares a SUBSCRIBE's whole filter, {@code $share/...} included, with these, so no other role matches the
 * shared subscription and the broker refuses it (reason 0x87) for everyone but the gateways.
 */
final class DynamicSecurityConfig {

    /** The role every client has on top of its own: the statuses. */
    static final String EVERYONE = "everyone";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DynamicSecurityConfig() {
    }

    /** The role of {@code id}'s own rules: {@code <kind>:<user>} (a user name has no {@code :}). */
    static String roleName(FleetAcl.Identity id) {
        return id.kind().name().toLowerCase(Locale.ROOT) + ":" + id.user();
    }

    static String render(FleetAcl fleet, PasswordFile passwords) {
        List<FleetAcl.Identity> ids = fleet.identities();
        List<String> missing = new ArrayList<>();
        for (FleetAcl.Identity id : ids) {
            if (!passwords.users().contains(id.user())) {
                missing.add(id.user());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no password for " + String.join(", ", missing)
                    + " (one user:password line for each user `splitee-device acl --users` prints)");
        }
        List<String> users = fleet.users();
        for (String user : passwords.users()) {
            if (!users.contains(user)) {
                throw new IllegalArgumentException("'" + user + "' has a password but is no user of this fleet ("
                        + String.join(" ", users) + ")");
            }
        }

        ObjectNode root = JSON.createObjectNode();
        ObjectNode defaults = root.putObject("defaultACLAccess");
        defaults.put("publishClientSend", false);
        defaults.put("publishClientReceive", false);
        defaults.put("subscribe", false);
        defaults.put("unsubscribe", true);

        ArrayNode roles = root.putArray("roles");
        role(roles, EVERYONE, "SplitEE: every user reads the retained statuses", FleetAcl.statusRules(), fleet);
        for (FleetAcl.Identity id : ids) {
            role(roles, roleName(id), "SplitEE: " + id.about(), id.rules(), fleet);
        }

        ArrayNode clients = root.putArray("clients");
        Base64.Encoder b64 = Base64.getEncoder();
        for (FleetAcl.Identity id : ids) {
            ObjectNode c = clients.addObject();
            c.put("username", id.user());
            c.put("textname", "SplitEE: " + id.about());
            ArrayNode cr = c.putArray("roles");
            cr.addObject().put("rolename", roleName(id));
            cr.addObject().put("rolename", EVERYONE);
            PasswordFile.Hash h = passwords.hash(id.user());
            c.put("password", b64.encodeToString(h.hash()));
            c.put("salt", b64.encodeToString(h.salt()));
            c.put("iterations", h.iterations());
        }
        root.putArray("groups");
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings, numbers and booleans always serializes", e);
        }
    }

    private static void role(ArrayNode roles, String name, String text, List<Rule> rules, FleetAcl fleet) {
        ObjectNode role = roles.addObject();
        role.put("rolename", name);
        role.put("textname", text);
        ArrayNode acls = role.putArray("acls");
        for (Rule r : rules) {
            if (r.access() == Rule.Access.WRITE) {
                acl(acls, "publishClientSend", r.topic());
            } else {
                if (r.shared()) {
                    acl(acls, "subscribeLiteral", fleet.shared(r));
                }
                acl(acls, "subscribePattern", r.topic());
                acl(acls, "publishClientReceive", r.topic());
            }
        }
    }

    private static void acl(ArrayNode acls, String type, String topic) {
        ObjectNode a = acls.addObject();
        a.put("acltype", type);
        a.put("topic", topic);
        a.put("allow", true);
    }
}
