package io.splitee.device.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    private static final byte[] HASH_A = new byte[32];
    private static final byte[] HASH_B = new byte[32];

    static {
        HASH_B[0] = 1;
    }

    @Test
    void roundTripAndOverwrite(@TempDir Path dir) throws Exception {
        StateStore s = new StateStore(dir.resolve("sub"), "cam1", HASH_A);
        assertTrue(s.load().isEmpty());
        s.save("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        s.save("{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("{\"a\":2}".getBytes(StandardCharsets.UTF_8), s.load().orElseThrow());
        assertFalse(Files.exists(dir.resolve("sub/cam1.state.tmp")), "no temporary file is left behind");
    }

    @Test
    void stateOfAnotherModelIsIgnored(@TempDir Path dir) throws Exception {
        new StateStore(dir, "cam1", HASH_A).save(new byte[] {1, 2, 3});
        assertTrue(new StateStore(dir, "cam1", HASH_B).load().isEmpty());
        assertTrue(new StateStore(dir, "cam1", HASH_A).load().isPresent());
    }

    @Test
    void garbageFileIsIgnored(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("cam1.state"), new byte[] {0, 1, 2, 3});
        assertTrue(new StateStore(dir, "cam1", HASH_A).load().isEmpty());
    }
}
