package io.splitee.device.cli;

import io.splitee.device.acl.FleetAcl;
import io.splitee.device.acl.PasswordFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code acl}: prints the broker's access control for a fleet's names ({@link FleetAcl}) on stdout: the
 * Mosquitto {@code acl_file} (the default, {@code --format acl-file}), or with {@code --format dynsec} the
 * dynamic-security plugin's JSON configuration, whose clients' password hashes come from
 * {@code --passwords}; with {@code --users} the user names the password file needs, one a line.
 */
@Command(name = "acl", mixinStandardHelpOptions = true,
        description = "Print the Mosquitto acl_file, or the dynamic-security plugin's configuration, for a fleet "
                + "(docs/security.md).")
final class AclCommand implements Callable<Integer> {

    static final String ACL_FILE = "acl-file";
    static final String DYNSEC = "dynsec";

    @Spec
    CommandSpec spec;

    @Option(names = "--devices", required = true, split = ",", paramLabel = "ID",
            description = "Device ids, comma-separated (each also the device's MQTT user name).")
    List<String> devices;

    @Option(names = "--gateways", split = ",", paramLabel = "NAME",
            description = "Gateway user names, comma-separated.")
    List<String> gateways = List.of();

    @Option(names = "--applications", split = ",", paramLabel = "NAME",
            description = "Application user names (they read every device's results), comma-separated.")
    List<String> applications = List.of();

    @Option(names = "--users", description = "Print only the user names the password file needs, one a line.")
    boolean users;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = ACL_FILE,
            description = "acl-file (default): Mosquitto's acl_file; dynsec: the dynamic-security plugin's JSON "
                    + "configuration (plugin_opt_config_file), which also refuses non-gateways the gateways' "
                    + "shared subscription. dynsec needs --passwords.")
    String format;

    @Option(names = "--passwords", paramLabel = "FILE",
            description = "With --format dynsec: one user:password line per user of --users, in plain text or as "
                    + "mosquitto_passwd -U hashed it ($7$).")
    Path passwords;

    @Option(names = "--shared-group", paramLabel = "GROUP", defaultValue = FleetAcl.DEFAULT_SHARED_GROUP,
            description = "The gateways' mqtt.shared-group (default: ${DEFAULT-VALUE}); dynsec allows them "
                    + "$share/GROUP/splitee/+/features only.")
    String sharedGroup;

    @Override
    public Integer call() {
        FleetAcl acl;
        try {
            acl = new FleetAcl(devices, gateways, applications, sharedGroup);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
        if (!format.equals(ACL_FILE) && !format.equals(DYNSEC)) {
            throw new InputException("--format: '" + format + "' is neither " + ACL_FILE + " nor " + DYNSEC);
        }
        if (users) {
            acl.users().forEach(spec.commandLine().getOut()::println);
        } else if (format.equals(ACL_FILE)) {
            if (passwords != null) {
                throw new InputException("--passwords is for --format " + DYNSEC
                        + " (the acl_file route gives the password file to mosquitto_passwd and password_file)");
            }
            spec.commandLine().getOut().print(acl.render());
        } else {
            if (passwords == null) {
                throw new InputException("--format " + DYNSEC + " needs --passwords FILE (one user:password line "
                        + "per user of --users)");
            }
            String json;
            try {
                json = acl.renderDynamicSecurity(PasswordFile.read(passwords));
            } catch (IOException e) {
                throw new InputException("--passwords: cannot read " + passwords + " (" + e.getClass().getSimpleName() + ")");
            } catch (IllegalArgumentException e) {
                throw new InputException("--passwords: " + e.getMessage());
            }
            spec.commandLine().getOut().print(json);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
