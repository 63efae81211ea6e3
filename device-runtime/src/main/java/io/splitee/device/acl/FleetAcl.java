package io.splitee.device.acl;

import io.splitee.wire.Ids;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who may publish and read which topic in one fleet, rendered for Mosquitto either as an {@code acl_file}
 * ({@link #render()}) or as the dynamic-security plugin's configuration ({@link #renderDynamicSecurity}); both
 * come from the same rule table, so they cannot say different things. Identities are MQTT user names; every
 * device connects with its device id as user name. The sample producer of device {@code d} is the user
 * {@code d-producer}; gateways and applications are listed by name. The rules, per role (docs/security.md has
 * the same table):
 *
 * <ul>
 *   <li>device {@code d}: reads {@code splitee/d/samples} and {@code splitee/d/replies}; writes
 *       {@code splitee/d/features}, {@code splitee/d/results}, {@code splitee/d/status};</li>
 *   <li>producer of {@code d}: writes {@code splitee/d/samples}; reads {@code splitee/d/results};</li>
 *   <li>gateway {@code g}: reads {@code splitee/+/features} (as {@code $share/<group>/splitee/+/features});
 *       writes {@code splitee/+/replies} and {@code splitee/gateways/g/status};</li>
 *   <li>application: reads {@code splitee/+/results};</li>
 *   <li>everyone: reads {@code splitee/+/status} and {@code splitee/gateways/+/status}.</li>
 * </ul>
 *
 * <p>In the {@code acl_file} the device rules are {@code pattern} lines on {@code %u}, so a device is added by
 * a password entry alone, but Mosquitto 2.0.11 checks that file on delivery only and grants every SUBSCRIBE,
 * so any user can join the gateways' shared group and black-hole its share of frames. The dynamic-security
 * plugin checks subscriptions as they are made and only the gateways' role allows the shared subscription;
 * its 2.0.11 version does not substitute {@code %u}, so there each device has a role of its own.
 *
 * @param devices      device ids (also their MQTT user names)
 * @param gateways     gateway user names
 * @param applications application user names
 * @param sharedGroup  the gateways' shared-subscription group (their {@code mqtt.shared-group})
 */
public record FleetAcl(List<String> devices, List<String> gateways, List<String> applications, String sharedGroup) {

    /** The gateways' default shared-subscription group ({@code mqtt.shared-group}). */
    public static final String DEFAULT_SHARED_GROUP = "gateways";

    /** The user name of device {@code device}'s sample producer. */
    public static String producer(String device) {
        return device + "-producer";
    }

    /**
     * Validates the names: each an id ({@link Ids#requireName}), at least one device, no name twice across
     * the roles (one user name, one role), and no device named {@code gateways} (its topics would be the
     * gateways' status tree).
     *
     * @throws IllegalArgumentException naming the offending name
     */
    public FleetAcl {
        devices = List.copyOf(Objects.requireNonNull(devices, "devices"));
        gateways = List.copyOf(Objects.requireNonNull(gateways, "gateways"));
        applications = List.copyOf(Objects.requireNonNull(applications, "applications"));
        Ids.requireName("shared-group", Objects.requireNonNull(sharedGroup, "sharedGroup"));
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("devices: at least one device id is needed");
        }
        Set<String> seen = new HashSet<>();
        List<String> all = new ArrayList<>();
        for (String d : devices) {
            Ids.requireName("devices", d);
            if (d.equals("gateways")) {
                throw new IllegalArgumentException("devices: 'gateways' cannot be a device id "
                        + "(splitee/gateways/ holds the gateways' status)");
            }
            all.add(d);
            all.add(producer(d));
        }
        for (String g : gateways) {
            all.add(Ids.requireName("gateways", g));
        }
        for (String a : applications) {
            all.add(Ids.requireName("applications", a));
        }
        for (String name : all) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException("user name '" + name + "' appears twice: one user name, one role");
            }
        }
    }

    /** A fleet whose gateways use the default shared group {@value #DEFAULT_SHARED_GROUP}. */
    public FleetAcl(List<String> devices, List<String> gateways, List<String> applications) {
        this(devices, gateways, applications, DEFAULT_SHARED_GROUP);
    }

    /** Every user name the password file needs, devices first, then producers, gateways, applications. */
    public List<String> users() {
        return identities().stream().map(Identity::user).toList();
    }

    // ---------------------------------------------------------------- the rule table

    /** The role an identity has. */
    enum Kind { DEVICE, PRODUCER, GATEWAY, APPLICATION }

    /**
     * One user of the fleet and its own rules (the statuses everyone reads come on top: {@link #statusRules()}).
     *
     * @param about what the user is, for comments
     */
    record Identity(Kind kind, String user, String about, List<Rule> rules) {
        Identity {
            rules = List.copyOf(rules);
        }
    }

    /** What every user reads: the retained statuses. */
    static List<Rule> statusRules() {
        return List.of(Rule.read("splitee/+/status"), Rule.read("splitee/gateways/+/status"));
    }

    /** Device {@code id}'s rules; {@code id} is {@code %u} for the {@code acl_file}'s pattern lines. */
    static List<Rule> deviceRules(String id) {
        String t = "splitee/" + id + "/";
        return List.of(Rule.read(t + "samples"), Rule.write(t + "features"), Rule.read(t + "replies"),
                Rule.write(t + "results"), Rule.write(t + "status"));
    }

    /** The rules of the producer of {@code device}. */
    static List<Rule> producerRules(String device) {
        return List.of(Rule.write("splitee/" + device + "/samples"), Rule.read("splitee/" + device + "/results"));
    }

    /** Gateway {@code gateway}'s rules. */
    static List<Rule> gatewayRules(String gateway) {
        return List.of(Rule.readShared("splitee/+/features"), Rule.write("splitee/+/replies"),
                Rule.write("splitee/gateways/" + gateway + "/status"));
    }

    /** An application's rules. */
    static List<Rule> applicationRules() {
        return List.of(Rule.read("splitee/+/results"));
    }

    /** The shared subscription the gateways make, {@code $share/<group>/<topic>}. */
    String shared(Rule rule) {
        return "$share/" + sharedGroup + "/" + rule.topic();
    }

    /** Every user with its rules, in the order of {@link #users()}. */
    List<Identity> identities() {
        List<Identity> ids = new ArrayList<>();
        for (String d : devices) {
            ids.add(new Identity(Kind.DEVICE, d, "Device " + d, deviceRules(d)));
        }
        for (String d : devices) {
            ids.add(new Identity(Kind.PRODUCER, producer(d), "Sample producer (camera, replay tool) of device " + d,
                    producerRules(d)));
        }
        for (String g : gateways) {
            ids.add(new Identity(Kind.GATEWAY, g, "Gateway " + g + ": subscribes " + shared(gatewayRules(g).get(0)),
                    gatewayRules(g)));
        }
        for (String a : applications) {
            ids.add(new Identity(Kind.APPLICATION, a, "Application " + a, applicationRules()));
        }
        return List.copyOf(ids);
    }

    // ---------------------------------------------------------------- renderings

    /** The {@code acl_file} text (Mosquitto 2.0), one rule a line, with comments. */
    public String render() {
        StringBuilder s = new StringBuilder();
        s.append("# SplitEE Edge: Mosquitto acl_file (printed by `splitee-device acl`; see docs/security.md).\n");
        s.append("# Identity = MQTT user name from the password_file; set allow_anonymous false.\n");
        s.append("# Users: ").append(String.join(" ", users())).append('\n');
        s.append('\n');
        s.append("# Every user: the retained statuses.\n");
        statusRules().forEach(r -> line(s, "pattern", r));
        s.append('\n');
        s.append("# Devices: user name = device id (%u). These lines apply to every user, so no other\n");
        s.append("# user name may be a device id (the command refuses it).\n");
        deviceRules("%u").forEach(r -> line(s, "pattern", r));
        for (Identity id : identities()) {
            if (id.kind() == Kind.DEVICE) {
                continue; // the pattern lines above
            }
            s.append('\n');
            s.append("# ").append(id.about()).append('\n');
            s.append("user ").append(id.user()).append('\n');
            id.rules().forEach(r -> line(s, "topic", r));
        }
        return s.toString();
    }

    private static void line(StringBuilder s, String keyword, Rule rule) {
        s.append(keyword).append(' ').append(rule.access().word()).append(' ').append(rule.topic()).append('\n');
    }

    /**
     * The dynamic-security plugin's configuration (the JSON file named by {@code plugin_opt_config_file},
     * Mosquitto 2.0): a role per user with its rules, a role {@code everyone} with the statuses, the default
     * access denying subscribe and publish both ways, and one client per user with the role of its user and
     * {@code everyone}, and its password hash from {@code passwords}.
     *
     * @throws IllegalArgumentException when {@code passwords} lacks a user of the fleet or names one that is not
     */
    public String renderDynamicSecurity(PasswordFile passwords) {
        return DynamicSecurityConfig.render(this, passwords);
    }
}
