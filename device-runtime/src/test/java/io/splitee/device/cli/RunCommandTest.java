package io.splitee.device.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} refuses a bad start with one line and exit code 2, before touching the network. */
class RunCommandTest {
    private static void assertOneLine(Cli c, String... parts) {
        assertEquals(2, c.code(), c.err());
        assertEquals("", c.out());
        assertEquals(1, c.err().strip().lines().count(), "exactly one line: " + c.err());
        for (String p : parts) {
            assertTrue(c.err().contains(p), "'" + p + "' in: " + c.err());
        }
    }

    @Test
    void invalidKeyValue() {
        assertOneLine(Cli.run("run", "--set", "device.id=d1", "--set", "model.dir=/m", "--set", "queue.size=0"),
                "queue.size", "outside");
    }

    @Test
    void unknownKeyAndMalformedSet() {
        assertOneLine(Cli.run("run", "--set", "devise.id=d1"), "devise.id", "unknown key");
        assertOneLine(Cli.run("run", "--set", "nonsense"), "--set nonsense", "KEY=VALUE");
    }

    @Test
    void everyBadDeviceKeyIsExitTwoAndOneLineNamingIt(@TempDir Path dir) {
        String[] base = {"run", "--set", "device.id=d1", "--set", "model.dir=" + MODEL, "--set", "state.dir=" + dir};
        assertOneLine(Cli.run(concat(base, "--set", "policy=fixed:0")), "policy: ", "the arm must be >= 1");
        assertOneLine(Cli.run(concat(base, "--set", "policy=nope")), "policy: ", "unknown policy");
        assertOneLine(Cli.run(concat(base, "--set", "cost.lambda=0.02")),
                "cost.lambda: set (from command line) but cost.mode is measured");
        assertOneLine(Cli.run(concat(base, "--set", "cost.weight.millijoule=1")), "cost.weight.millijoule: ",
                "needs a power sensor", "power.sensor");
        assertOneLine(Cli.run(concat(base, "--set", "gpio.led.pin=17")), "gpio.led.pin: ", "gpio.enabled is false");
        assertOneLine(Cli.run(concat(base, "--set", "device.id=a/b")), "device.id: ");
        // fixed:K beyond the model's exits is known once the model is loaded: a configuration error all the same
        assertOneLine(Cli.run(concat(base, "--set", "policy=fixed:99", "--set", "cost.mode=paper")),
                "policy: ", "1..12");
    }

    static final String MODEL = Path.of("../models/fmnist-resnet12").toAbsolutePath().normalize().toString();

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void missingConfigFile(@TempDir Path dir) {
        assertOneLine(Cli.run("run", "--config", dir.resolve("absent.properties").toString()), "absent.properties");
    }

    @Test
    void missingModelPackageIsNamed(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("d.properties");
        Files.writeString(cfg, "device.id=d1\nmodel.dir=" + dir.resolve("no-model") + "\nstate.dir=" + dir + "\n");
        assertOneLine(Cli.run("run", "--config", cfg.toString()), "model package", "no-model");
    }

    /**
     * A broker that cannot be reached is not the configuration's fault: exit 69 (systemd may restart the service),
     * where every configuration error above is 2 ({@code RestartPreventExitStatus=2}).
     */
    @Test
    void anUnreachableBrokerIsExitThreeNamingIt(@TempDir Path dir) throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Cli c = Cli.run("run", "--set", "device.id=d1", "--set", "model.dir=" + MODEL, "--set", "state.dir=" + dir,
                "--set", "mqtt.uri=tcp://127.0.0.1:" + closedPort);
        assertEquals(io.splitee.cli.ExitCodes.UNAVAILABLE, c.code(), c.err());
        assertEquals(1, c.err().strip().lines().count(), "exactly one line: " + c.err());
        assertTrue(c.err().startsWith("splitee-device run: broker tcp://127.0.0.1:" + closedPort + ": "), c.err());
    }
}
