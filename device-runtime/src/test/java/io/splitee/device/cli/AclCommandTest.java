package io.splitee.device.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.acl.FleetAcl;
import java.util.List;
import org.junit.jupiter.api.Test;

class AclCommandTest {

    @Test
    void printsTheFleetsAclFile() {
        Cli r = Cli.run("acl", "--devices", "cam1,cam2", "--gateways", "gw1", "--applications", "dash");
        assertEquals(0, r.code(), r.err());
        assertEquals(new FleetAcl(List.of("cam1", "cam2"), List.of("gw1"), List.of("dash")).render(), r.out());
        assertTrue(r.out().contains("pattern read splitee/%u/samples\n"), r.out());
        assertTrue(r.out().contains("user cam2-producer\ntopic write splitee/cam2/samples\n"), r.out());
        assertTrue(r.out().contains("user gw1\ntopic read splitee/+/features\ntopic write splitee/+/replies\n"
                + "topic write splitee/gateways/gw1/status\n"), r.out());
        assertTrue(r.out().contains("user dash\ntopic read splitee/+/results\n"), r.out());
    }

    @Test
    void printsTheUsersForThePasswordFile() {
        Cli r = Cli.run("acl", "--devices", "cam1", "--gateways", "gw1,gw2", "--users");
        assertEquals(0, r.code(), r.err());
        assertEquals("cam1\ncam1-producer\ngw1\ngw2\n", r.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void badNamesAreOneLineErrors() {
        assertBad("devices: 'cam/1' ", "acl", "--devices", "cam/1");
        assertBad("user name 'cam1' appears twice", "acl", "--devices", "cam1", "--gateways", "cam1");
        assertBad("user name 'cam1-producer' appears twice", "acl", "--devices", "cam1,cam1-producer");
        assertBad("devices: 'gateways' cannot be a device id", "acl", "--devices", "gateways");
    }

    private static void assertBad(String expected, String... args) {
        Cli r = Cli.run(args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("splitee-device acl: " + expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
