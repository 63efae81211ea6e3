package io.splitee.device.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.splitee.device.acl.FleetAcl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclCommandTest {

    @TempDir
    Path dir;

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

    @Test
    void printsTheDynamicSecurityConfiguration() throws Exception {
        Path pw = Files.write(dir.resolve("pw"), List.of("cam1:a1", "cam1-producer:a2", "gw1:a3", "dash:a4"));
        Cli r = Cli.run("acl", "--format", "dynsec", "--devices", "cam1", "--gateways", "gw1", "--applications", "dash",
                "--passwords", pw.toString(), "--shared-group", "pool");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        List<String> users = new ArrayList<>();
        root.get("clients").forEach(c -> users.add(c.get("username").asText()));
        assertEquals(List.of("cam1", "cam1-producer", "gw1", "dash"), users);
        assertTrue(r.out().contains("\"$share/pool/splitee/+/features\""), r.out());
        for (String password : List.of("a1", "a2", "a3", "a4")) {
            assertFalse(r.out().contains("\"" + password + "\""), "no password in clear: " + password);
        }
    }

    @Test
    void dynsecNeedsAPasswordForEachUserAndNothingElse() throws Exception {
        Path pw = Files.write(dir.resolve("pw"), List.of("cam1:a1", "cam1-producer:a2"));
        assertBad("--format dynsec needs --passwords FILE", "acl", "--format", "dynsec", "--devices", "cam1");
        assertBad("--passwords: no password for gw1 ", "acl", "--format", "dynsec", "--devices", "cam1",
                "--gateways", "gw1", "--passwords", pw.toString());
        assertBad("--passwords: cannot read " + dir.resolve("nope") + " (NoSuchFileException)", "acl",
                "--format", "dynsec", "--devices", "cam1", "--passwords", dir.resolve("nope").toString());
        assertBad("--passwords: " + pw + ": line 1: not user:password", "acl", "--format", "dynsec",
                "--devices", "cam1", "--passwords", Files.write(pw, List.of("cam1")).toString());
        assertBad("--passwords is for --format dynsec", "acl", "--devices", "cam1", "--passwords", pw.toString());
        assertBad("--format: 'json' is neither acl-file nor dynsec", "acl", "--format", "json", "--devices", "cam1");
        assertBad("shared-group: 'a+b' ", "acl", "--devices", "cam1", "--shared-group", "a+b");
    }

    private static void assertBad(String expected, String... args) {
        Cli r = Cli.run(args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("splitee-device acl: " + expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
