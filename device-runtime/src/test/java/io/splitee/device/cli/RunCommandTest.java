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
    void missingConfigFile(@TempDir Path dir) {
        assertOneLine(Cli.run("run", "--config", dir.resolve("absent.properties").toString()), "absent.properties");
    }

    @Test
    void missingModelPackageIsNamed(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("d.properties");
        Files.writeString(cfg, "device.id=d1\nmodel.dir=" + dir.resolve("no-model") + "\nstate.dir=" + dir + "\n");
        assertOneLine(Cli.run("run", "--config", cfg.toString()), "model package", "no-model");
    }
}
