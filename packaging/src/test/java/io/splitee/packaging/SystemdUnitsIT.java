package io.splitee.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.testenv.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The units in systemd/: {@code systemd-analyze verify} prints nothing, {@code systemd-analyze security
 * --offline=yes} scores each at most 2.0, and the service settings the daemons and the packages rely on are there.
 */
class SystemdUnitsIT {
    private static final Pattern SCORE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+) ");

    static Path unit(String daemon) {
        return Packages.UNITS.resolve("splitee-" + daemon + ".service");
    }

    /** The values of {@code key=} in the unit, in order (a line each; comments skipped). */
    static List<String> values(Path unit, String key) throws Exception {
        List<String> values = new ArrayList<>();
        for (String line : Files.readAllLines(unit)) {
            if (line.startsWith(key + "=")) {
                values.add(line.substring(key.length() + 1));
            }
        }
        return values;
    }

    static String value(Path unit, String key) throws Exception {
        List<String> v = values(unit, key);
        assertEquals(1, v.size(), unit.getFileName() + ": one " + key + "= line: " + v);
        return v.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"device", "gateway"})
    void verifyPrintsNothing(String daemon) throws Exception {
        Command c = Command.run(Tool.SYSTEMD_ANALYZE.path().toString(), "verify", unit(daemon).toString());
        assertEquals(0, c.exit(), c.describe());
        assertEquals("", c.output(), c.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"device", "gateway"})
    void securityScoreIsAtMost2(String daemon) throws Exception {
        Command c = Command.run(Tool.SYSTEMD_ANALYZE.path().toString(), "security", "--offline=yes", "--no-pager",
                unit(daemon).toString());
        Matcher m = SCORE.matcher(c.output());
        assertTrue(m.find(), "no overall exposure level in: " + c.describe());
        double score = Double.parseDouble(m.group(1));
        System.out.println("systemd-analyze security --offline=yes splitee-" + daemon + ".service: " + score);
        assertTrue(score <= 2.0, "splitee-" + daemon + ".service scores " + score + " (at most 2.0):\n" + c.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"device", "gateway"})
    void serviceSettingsTheDaemonsAndPackagesRelyOn(String daemon) throws Exception {
        Path u = unit(daemon);
        assertEquals("notify", value(u, "Type"));
        assertEquals("main", value(u, "NotifyAccess"));
        assertEquals("30", value(u, "WatchdogSec"));
        assertEquals("on-failure", value(u, "Restart"));
        assertEquals("2", value(u, "RestartPreventExitStatus"), "a configuration error (exit 2) is not restarted");
        assertEquals("splitee", value(u, "User"));
        assertEquals("", value(u, "CapabilityBoundingSet"));
        assertEquals("", value(u, "AmbientCapabilities"));
        assertEquals("strict", value(u, "ProtectSystem"));
        assertEquals("0077", value(u, "UMask"));
        assertTrue(value(u, "MemoryMax").matches("\\d+M"), "MemoryMax in MB");
        assertEquals("splitee-" + daemon, value(u, "CacheDirectory"));
        assertEquals(List.of("@system-service", "~@privileged @resources"), values(u, "SystemCallFilter"));
        assertTrue(values(u, "MemoryDenyWriteExecute").isEmpty(), "the JIT needs W+X memory");
        // the JVM is the main process, with the options quoted as one assignment (unquoted, systemd keeps only the first)
        assertEquals("/usr/bin/java $JAVA_OPTS -jar /usr/share/splitee/splitee-" + daemon + ".jar run --config /etc/splitee/"
                + daemon + ".properties", value(u, "ExecStart"));
        String env = value(u, "Environment");
        assertTrue(env.startsWith("\"JAVA_OPTS=") && env.endsWith("\""), env);
        for (String opt : List.of("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=/var/cache/splitee-" + daemon, "-Djna.tmpdir=/var/cache/splitee-" + daemon)) {
            assertTrue(env.contains(" " + opt), daemon + ": JAVA_OPTS has " + opt);
        }
        // the heap sized at start on any host (a Pi's default initial heap is 1/64 of its RAM): -Xms = -Xmx
        java.util.regex.Matcher xmx = java.util.regex.Pattern.compile(" -Xmx(\\d+[mg])").matcher(env);
        assertTrue(xmx.find(), env);
        assertTrue(env.contains("=-Xms" + xmx.group(1) + " "), daemon + ": -Xms equals -Xmx: " + env);
        // the device's heap resident from the start: its footprint flat by design (docs/benchmarks.md, "Soak")
        assertEquals(daemon.equals("device"), env.contains(" -XX:+AlwaysPreTouch "), daemon + ": " + env);
        if (daemon.equals("device")) {
            assertEquals("splitee", value(u, "StateDirectory"), "state.dir=/var/lib/splitee of the example");
            // state.runtime-dir unset: the MQTT client's store in $RUNTIME_DIRECTORY, kept across restarts
            assertEquals("splitee-device", value(u, "RuntimeDirectory"));
            assertEquals("yes", value(u, "RuntimeDirectoryPreserve"), "the store outlives a stop, not a reboot");
            assertTrue(env.contains("-XX:TieredStopAtLevel=1"), env);
            assertEquals("closed", value(u, "DevicePolicy"));
            assertEquals(List.of("/dev/gpiochip0 rw", "/dev/i2c-1 rw"), values(u, "DeviceAllow"));
        } else {
            assertEquals("yes", value(u, "PrivateDevices"));
        }
    }
}
