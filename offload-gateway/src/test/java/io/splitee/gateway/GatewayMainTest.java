package io.splitee.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.cli.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's failure paths: one line on stderr, exit code 2, never a stack trace. */
class GatewayMainTest {

    record Cli(int code, String out, String err) {
        static Cli run(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = GatewayMain.execute(new PrintWriter(out), new PrintWriter(err), args);
            return new Cli(code, out.toString(), err.toString());
        }

        void assertOneLineError(String... parts) {
            assertEquals(ExitCodes.BAD_INPUT, code, err);
            assertEquals(1, err.strip().lines().count(), "one line: " + err);
            assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
            for (String p : parts) {
                assertTrue(err.contains(p), "stderr should mention '" + p + "': " + err);
            }
        }
    }

    @Test
    void helpListsRun() {
        Cli c = Cli.run("--help");
        assertEquals(0, c.code());
        assertTrue(c.out().contains("run"), c.out());
        Cli r = Cli.run("run", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--config") && r.out().contains("--set"), r.out());
    }

    @Test
    void noSubcommandIsBadInput() {
        Cli.run().assertOneLineError("missing subcommand");
    }

    @Test
    void missingRequiredKeyNamesIt() {
        Cli.run("run", "--set", "models=/m").assertOneLineError("gateway.id", "missing");
    }

    @Test
    void unknownKeyNamesIt() {
        Cli.run("run", "--set", "gateway.id=g", "--set", "models=/m", "--set", "batch.size=4")
                .assertOneLineError("batch.size", "unknown key");
    }

    @Test
    void anInertKeyAndABadIdNameTheKey() {
        Cli.run("run", "--set", "gateway.id=g", "--set", "models=/m", "--set", "batch.max-size=1",
                "--set", "batch.max-wait=5ms").assertOneLineError("batch.max-wait: set (from command line) but");
        Cli.run("run", "--set", "gateway.id=g/1", "--set", "models=/m").assertOneLineError("gateway.id: ");
    }

    @Test
    void badValueNamesTheKeyAndSource() {
        Cli.run("run", "--set", "gateway.id=g", "--set", "models=/m", "--set", "workers=zero")
                .assertOneLineError("workers", "not an integer", "command line");
    }

    @Test
    void malformedSetIsBadInput() {
        Cli.run("run", "--set", "novalue").assertOneLineError("--set", "KEY=VALUE");
    }

    @Test
    void unknownOptionIsBadInput() {
        Cli.run("run", "--bogus").assertOneLineError("--bogus");
    }

    @Test
    void missingConfigFileIsBadInput(@TempDir Path dir) {
        Cli.run("run", "--config", dir.resolve("absent.properties").toString())
                .assertOneLineError("absent.properties");
    }

    @Test
    void missingModelPackageIsBadInputNamingIt(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("g.properties");
        Files.writeString(cfg, "gateway.id=g\nmodels=" + dir.resolve("no-such-model") + "\nmqtt.uri=tcp://127.0.0.1:1\n");
        Cli.run("run", "--config", cfg.toString()).assertOneLineError("models:", "no-such-model");
    }

    /**
     * A broker that cannot be reached is not the configuration's fault: exit 69, which systemd may retry, where a
     * configuration error is 2 ({@code RestartPreventExitStatus=2}).
     */
    @Test
    void anUnreachableBrokerIsExitThreeNamingIt() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String model = Path.of("../models/fmnist-resnet12").toAbsolutePath().normalize().toString();
        Cli c = Cli.run("run", "--set", "gateway.id=g", "--set", "models=" + model, "--set", "workers=1",
                "--set", "mqtt.uri=tcp://127.0.0.1:" + closedPort);
        assertEquals(ExitCodes.UNAVAILABLE, c.code(), c.err());
        assertEquals(1, c.err().strip().lines().count(), "one line: " + c.err());
        assertTrue(c.err().startsWith("splitee-gateway run: broker tcp://127.0.0.1:" + closedPort + ": "), c.err());
        assertFalse(c.err().contains("\tat "), c.err());
    }
}
