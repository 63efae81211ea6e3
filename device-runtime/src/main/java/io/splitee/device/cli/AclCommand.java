package io.splitee.device.cli;

import io.splitee.device.acl.FleetAcl;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code acl}: prints the Mosquitto {@code acl_file} for a fleet's names ({@link FleetAcl}) on stdout, or with
 * {@code --users} the user names the password file needs, one a line.
 */
@Command(name = "acl", mixinStandardHelpOptions = true,
        description = "Print the Mosquitto acl_file for a fleet (docs/security.md).")
final class AclCommand implements Callable<Integer> {

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

    @Override
    public Integer call() {
        FleetAcl acl;
        try {
            acl = new FleetAcl(devices, gateways, applications);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
        if (users) {
            acl.users().forEach(spec.commandLine().getOut()::println);
        } else {
            spec.commandLine().getOut().print(acl.render());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
