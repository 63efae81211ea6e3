package io.splitee.device.acl;

import io.splitee.wire.Ids;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Mosquitto {@code acl_file} for one fleet. Identities are MQTT user names (the broker's
 * {@code password_file}); every device connects with its device id as user name, so the device rules are
 * {@code pattern} lines on {@code %u} and a device is added to the fleet by a password entry alone. The
 * sample producer of device {@code d} is the user {@code d-producer}; gateways and applications are
 * listed by name. The rules, per role (docs/security.md has the same table):
 *
 * <ul>
 *   <li>device {@code d}: reads {@code splitee/d/samples} and {@code splitee/d/replies}; writes
 *       {@code splitee/d/features}, {@code splitee/d/results}, {@code splitee/d/status};</li>
 *   <li>producer of {@code d}: writes {@code splitee/d/samples}; reads {@code splitee/d/results};</li>
 *   <li>gateway {@code g}: reads {@code splitee/+/features} (as {@code $share/gateways/splitee/+/features});
 *       writes {@code splitee/+/replies} and {@code splitee/gateways/g/status};</li>
 *   <li>application: reads {@code splitee/+/results};</li>
 *   <li>everyone: reads {@code splitee/+/status} and {@code splitee/gateways/+/status}.</li>
 * </ul>
 *
 * @param devices      device ids (also their MQTT user names)
 * @param gateways     gateway user names
 * @param applications application user names
 */
public record FleetAcl(List<String> devices, List<String> gateways, List<String> applications) {

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

    /** Every user name the password file needs, devices first, then producers, gateways, applications. */
    public List<String> users() {
        List<String> users = new ArrayList<>(devices);
        devices.forEach(d -> users.add(producer(d)));
        users.addAll(gateways);
        users.addAll(applications);
        return List.copyOf(users);
    }

    /** The {@code acl_file} text (Mosquitto 2.0), one rule a line, with comments. */
    public String render() {
        StringBuilder s = new StringBuilder();
        s.append("# SplitEE Edge: Mosquitto acl_file (printed by `splitee-device acl`; see docs/security.md).\n");
        s.append("# Identity = MQTT user name from the password_file; set allow_anonymous false.\n");
        s.append("# Users: ").append(String.join(" ", users())).append('\n');
        s.append('\n');
        s.append("# Every user: the retained statuses.\n");
        s.append("pattern read splitee/+/status\n");
        s.append("pattern read splitee/gateways/+/status\n");
        s.append('\n');
        s.append("# Devices: user name = device id (%u). These lines apply to every user, so no other\n");
        s.append("# user name may be a device id (the command refuses it).\n");
        s.append("pattern read splitee/%u/samples\n");
        s.append("pattern write splitee/%u/features\n");
        s.append("pattern read splitee/%u/replies\n");
        s.append("pattern write splitee/%u/results\n");
        s.append("pattern write splitee/%u/status\n");
        for (String d : devices) {
            s.append('\n');
            s.append("# Sample producer (camera, replay tool) of device ").append(d).append('\n');
            s.append("user ").append(producer(d)).append('\n');
            s.append("topic write splitee/").append(d).append("/samples\n");
            s.append("topic read splitee/").append(d).append("/results\n");
        }
        for (String g : gateways) {
            s.append('\n');
            s.append("# Gateway ").append(g).append(": subscribes $share/gateways/splitee/+/features\n");
            s.append("user ").append(g).append('\n');
            s.append("topic read splitee/+/features\n");
            s.append("topic write splitee/+/replies\n");
            s.append("topic write splitee/gateways/").append(g).append("/status\n");
        }
        for (String a : applications) {
            s.append('\n');
            s.append("# Application ").append(a).append('\n');
            s.append("user ").append(a).append('\n');
            s.append("topic read splitee/+/results\n");
        }
        return s.toString();
    }
}
