package io.splitee.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.testenv.Tool;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Installs the packages of this machine's architecture with {@code dpkg -i} and purges them: the user, the
 * files with their owners and modes, the service not enabled while the configuration is the example and
 * enabled once it is edited, both daemons side by side, then nothing left but the user after the purge.
 *
 * <p>It changes the machine, so it runs only as root with dpkg, and refuses (skips, saying why) where a
 * splitee package or /etc/splitee is already there. What it creates beyond the packages (the group gpio where
 * there was none, the user splitee where there was none) it removes. No systemd runs here as PID 1: the
 * maintainer scripts then start and stop nothing (as debhelper's do), and enabling is the unit's symlink
 * that deb-systemd-helper makes, which this test checks.
 */
class DebInstallIT {
    private static final List<String> PACKAGES = List.of("splitee-device", "splitee-gateway", Packages.MODEL_PACKAGE);
    private static final Path WANTS = Path.of("/etc/systemd/system/multi-user.target.wants");

    static String dpkg() {
        return Tool.DPKG.path().toString();
    }

    static boolean installed(String pkg) throws Exception {
        Command c = Command.run("dpkg-query", "-W", "-f=${db:Status-Status}", pkg);
        return c.exit() == 0 && !c.output().isBlank() && !c.output().strip().equals("not-installed");
    }

    static boolean exists(String getentDb, String name) throws Exception {
        return Command.run("getent", getentDb, name).exit() == 0;
    }

    static String modeOwner(String path) throws Exception {
        PosixFileAttributes a = Files.readAttributes(Path.of(path), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName() + ":" + a.group().getName();
    }

    @Test
    void installEnableAndPurge() throws Exception {
        Assumptions.assumeTrue(Tool.DPKG.find().isPresent(), "skipped: no dpkg on this machine (not Debian)");
        Assumptions.assumeTrue(Packages.isRoot(), "skipped: installing packages needs root (CI runs as root)");
        String arch = Packages.hostArch();
        Assumptions.assumeTrue(arch != null, "skipped: no package for " + System.getProperty("os.arch"));
        for (String pkg : PACKAGES) {
            Assumptions.assumeFalse(installed(pkg), "refused: " + pkg + " is installed on this machine; this test"
                    + " would replace and purge it");
        }
        Assumptions.assumeFalse(Files.exists(Path.of("/etc/splitee")), "refused: /etc/splitee exists on this machine");
        for (String dependency : List.of("openjdk-17-jre-headless", "systemd")) {
            assertTrue(installed(dependency), dependency + " is not installed: the packages depend on it (.ci/packages;"
                    + " apt-get install " + dependency + ")");
        }

        boolean userBefore = exists("passwd", "splitee");
        boolean gpioBefore = exists("group", "gpio");
        boolean i2cBefore = exists("group", "i2c");
        Path model = Packages.deb(Packages.MODEL_PACKAGE, "all");
        Path device = Packages.deb("splitee-device", arch);
        Path gateway = Packages.deb("splitee-gateway", arch);
        try {
            if (!gpioBefore) { // a Raspberry Pi OS has it: the device's user joins it
                Command.ok("groupadd", "--system", "gpio");
            }
            Command first = Command.ok(dpkg(), "-i", model.toString(), device.toString());
            assertTrue(first.output().contains("/etc/splitee/device.properties is the shipped example, so"
                    + " splitee-device.service was not enabled nor started"), first.output());

            // the user: a system user without home or login, in gpio (it exists) and in i2c only if that exists
            String[] pw = Command.ok("getent", "passwd", "splitee").output().strip().split(":");
            assertTrue(Integer.parseInt(pw[2]) < 1000, "a system user: " + Arrays.toString(pw));
            assertEquals("/nonexistent", pw[5]);
            assertTrue(pw[6].endsWith("/nologin"), pw[6]);
            List<String> groups = List.of(Command.ok("id", "-nG", "splitee").output().strip().split(" "));
            assertTrue(groups.contains("gpio"), "splitee joins gpio: " + groups);
            assertEquals(i2cBefore, groups.contains("i2c"), "splitee joins i2c only where it exists: " + groups);

            assertEquals("rw-r----- root:splitee", modeOwner("/etc/splitee/device.properties"));
            assertEquals("rwxr-xr-x root:root", modeOwner("/etc/splitee"));
            assertEquals("rw-r--r-- root:root", modeOwner("/usr/share/splitee/splitee-device.jar"));
            assertEquals("rw-r--r-- root:root", modeOwner("/usr/share/splitee/device.example.properties"));
            assertEquals("rw-r--r-- root:root", modeOwner("/lib/systemd/system/splitee-device.service"));
            assertEquals("rw-r--r-- root:root", modeOwner("/usr/lib/sysusers.d/splitee-device.conf"));
            assertEquals("rw-r--r-- root:root", modeOwner("/usr/share/splitee/models/fmnist-resnet12/manifest.json"));
            assertEquals("/etc/splitee/device.properties",
                    Command.ok("dpkg-query", "-W", "-f=${Conffiles}", "splitee-device").output().strip().split(" ")[0]);
            assertFalse(Files.exists(WANTS.resolve("splitee-device.service"), LinkOption.NOFOLLOW_LINKS),
                    "not enabled while the configuration is the example");
            assertFalse(daemonRunning("splitee-device.jar"), "not started");

            // edited: a reinstall (postinst configure, as after an upgrade) enables it; the edit is kept
            Path config = Path.of("/etc/splitee/device.properties");
            String edited = Files.readString(config).replace("device.id=cam1", "device.id=pi-kitchen");
            Files.writeString(config, edited);
            Command second = Command.ok(dpkg(), "-i", device.toString());
            assertFalse(second.output().contains("not enabled"), second.output());
            assertEquals(Path.of("/lib/systemd/system/splitee-device.service"),
                    Files.readSymbolicLink(WANTS.resolve("splitee-device.service")), "enabled (deb-systemd-helper)");
            assertEquals(edited, Files.readString(config), "the administrator's configuration is kept");
            assertEquals("rw-r----- root:splitee", modeOwner("/etc/splitee/device.properties"));

            // the gateway beside it: no file of one package is the other's
            Command.ok(dpkg(), "-i", gateway.toString());
            assertEquals("rw-r----- root:splitee", modeOwner("/etc/splitee/gateway.properties"));
            assertEquals("rw-r--r-- root:root", modeOwner("/usr/share/splitee/splitee-gateway.jar"));
            assertFalse(Files.exists(WANTS.resolve("splitee-gateway.service"), LinkOption.NOFOLLOW_LINKS));

            // what the running service would have made (systemd creates them from StateDirectory=/CacheDirectory=)
            for (String dir : List.of("/var/lib/splitee", "/var/cache/splitee-device", "/var/cache/splitee-gateway")) {
                Files.createDirectories(Path.of(dir));
                Files.writeString(Path.of(dir, "made-by-the-service"), "x");
            }

            // remove: the files go, the configuration stays; purge: everything the install made goes
            Command.ok(dpkg(), "--remove", "splitee-device");
            assertFalse(Files.exists(Path.of("/usr/share/splitee/splitee-device.jar")));
            assertTrue(Files.exists(config), "remove keeps the conffile");
            Command.ok(dpkg(), "--purge", "splitee-device", "splitee-gateway", Packages.MODEL_PACKAGE);
            for (String pkg : PACKAGES) {
                assertFalse(installed(pkg), pkg + " purged");
            }
            List<String> left = new ArrayList<>();
            for (String path : List.of("/etc/splitee", "/usr/share/splitee", "/usr/share/doc/splitee-device",
                    "/var/lib/splitee", "/var/cache/splitee-device", "/var/cache/splitee-gateway",
                    "/lib/systemd/system/splitee-device.service", "/lib/systemd/system/splitee-gateway.service",
                    "/usr/lib/sysusers.d/splitee-device.conf", "/usr/lib/sysusers.d/splitee-gateway.conf",
                    "/etc/systemd/system/splitee-device.service", "/etc/systemd/system/splitee-gateway.service",
                    WANTS.resolve("splitee-device.service").toString(),
                    "/var/lib/systemd/deb-systemd-helper-enabled/splitee-device.service.dsh-also",
                    "/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/splitee-device.service",
                    "/var/lib/systemd/deb-systemd-helper-masked/splitee-device.service")) {
                if (Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS)) {
                    left.add(path);
                }
            }
            assertEquals(List.of(), left, "left after the purge");
            assertTrue(exists("passwd", "splitee"), "the system user stays after the purge (Debian's practice)");
        } finally {
            for (String pkg : PACKAGES) {
                if (installed(pkg)) {
                    Command.run(dpkg(), "--purge", pkg);
                }
            }
            if (!userBefore && exists("passwd", "splitee")) {
                Command.run("userdel", "splitee");
                if (exists("group", "splitee")) {
                    Command.run("groupdel", "splitee");
                }
            }
            if (!gpioBefore && exists("group", "gpio")) {
                Command.run("groupdel", "gpio");
            }
        }
    }

    /** Whether a process runs with {@code jar} on its command line. */
    static boolean daemonRunning(String jar) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().map(c -> c.contains(jar)).orElse(false));
    }
}
