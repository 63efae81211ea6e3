package io.splitee.device.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.splitee.lifecycle.Signals;
import io.splitee.testenv.LogCapture;
import io.splitee.testenv.LogCapture.Level;
import io.splitee.testenv.Tool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DTLS keys file: read again when it changes, and on request (SIGHUP) even when it looks unchanged. */
class PskFileTest {
    @TempDir
    Path dir;

    private Path keys(String text) throws Exception {
        Path f = dir.resolve("psk");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEditThatKeepsSizeAndTimeIsSeenOnlyByAnExplicitReload() throws Exception {
        Path f = keys("sensor-1=aaaa\n");
        FileTime t = Files.getLastModifiedTime(f);
        PskFile psk = PskFile.open(f);
        assertArrayEquals(utf8("aaaa"), psk.secret("sensor-1").orElseThrow());

        Files.writeString(f, "sensor-1=bbbb\n"); // same size; the time put back, as a coarse clock would
        Files.setLastModifiedTime(f, t);
        psk.reloadIfChanged();
        assertArrayEquals(utf8("aaaa"), psk.secret("sensor-1").orElseThrow(), "the watch cannot see it");
        assertTrue(psk.reload("test"));
        assertArrayEquals(utf8("bbbb"), psk.secret("sensor-1").orElseThrow(), "the reload does");

        Files.writeString(f, "sensor-2=cccc\nbroken line\n");
        try (LogCapture log = LogCapture.start(Set.of(Level.WARN), PskFile.class)) {
            assertFalse(psk.reload("test"), "a file that does not parse");
            assertEquals(1, log.count(Level.WARN, "not reloaded, the 1 identities read before stay"),
                    log.toString());
        }
        assertArrayEquals(utf8("bbbb"), psk.secret("sensor-1").orElseThrow(), "the keys before stay");
        assertTrue(psk.secret("sensor-2").isEmpty());
    }

    @Test
    void sighupReloadsTheKeys() throws Exception {
        Path f = keys("sensor-1=aaaa\n");
        FileTime t = Files.getLastModifiedTime(f);
        PskFile psk = PskFile.open(f);
        CountDownLatch reloaded = new CountDownLatch(1);
        boolean installed = Signals.onHangup(() -> {
            if (psk.reload("SIGHUP")) {
                reloaded.countDown();
            }
        }, "test-reload");
        assumeTrue(installed, "no SIGHUP handler in this JVM (-Xrs?): sending one would stop it");
        Files.writeString(f, "sensor-1=bbbb\n");
        Files.setLastModifiedTime(f, t);

        Process kill = new ProcessBuilder(Tool.KILL.path().toString(), "-HUP", String.valueOf(ProcessHandle.current()
                .pid())).redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP");
        assertTrue(reloaded.await(10, TimeUnit.SECONDS), "reloaded on SIGHUP");
        assertArrayEquals(utf8("bbbb"), psk.secret("sensor-1").orElseThrow());
    }
}
