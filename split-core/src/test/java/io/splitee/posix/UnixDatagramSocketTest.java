package io.splitee.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real sockets: a sender and a bound listener in this process, on a path and on an abstract name. */
class UnixDatagramSocketTest {
    @TempDir
    Path dir;

    static byte[] family() {
        return ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) 1).array();
    }

    @Test
    void aPathIsNulTerminatedAndAnAbstractNameStartsWithNul() throws IOException {
        byte[] p = UnixDatagramSocket.sockaddr("/run/x");
        assertEquals(2 + 6 + 1, p.length);
        assertArrayEquals(family(), new byte[] {p[0], p[1]});
        assertEquals("/run/x", new String(p, 2, 6, StandardCharsets.US_ASCII));
        assertEquals(0, p[8]);

        byte[] a = UnixDatagramSocket.sockaddr("@splitee/notify");
        assertEquals(2 + 1 + 14, a.length, "no trailing NUL: the name's length is the address length");
        assertEquals(0, a[2]);
        assertEquals("splitee/notify", new String(a, 3, 14, StandardCharsets.US_ASCII));
    }

    @Test
    void badAddressesAreRefusedNamingThem() throws IOException {
        assertTrue(assertThrows(IOException.class, () -> UnixDatagramSocket.sockaddr("run/x")).getMessage()
                .contains("'run/x': neither an absolute path nor @name"));
        assertThrows(IOException.class, () -> UnixDatagramSocket.sockaddr("@"));
        assertThrows(IOException.class, () -> UnixDatagramSocket.sockaddr("/" + "x".repeat(107)));
        assertEquals(2 + 108, UnixDatagramSocket.sockaddr("/" + "x".repeat(106)).length, "107 bytes and the NUL fit");
    }

    @Test
    void datagramsReachAListenerOnAPath() throws IOException {
        String path = dir.resolve("notify").toString();
        try (UnixDatagramListener l = UnixDatagramListener.bind(path); UnixDatagramSocket s = UnixDatagramSocket.open()) {
            s.send(path, "READY=1".getBytes(StandardCharsets.UTF_8));
            s.send(path, "STATUS=λ".getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.of("READY=1"), l.receive(Duration.ofSeconds(5)));
            assertEquals(Optional.of("STATUS=λ"), l.receive(Duration.ofSeconds(5)));
            assertEquals(Optional.empty(), l.receive(Duration.ofMillis(200)));
        }
    }

    @Test
    void datagramsReachAListenerOnAnAbstractName() throws IOException {
        String name = "@splitee-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (UnixDatagramListener l = UnixDatagramListener.bind(name); UnixDatagramSocket s = UnixDatagramSocket.open()) {
            s.send(name, "WATCHDOG=1".getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.of("WATCHDOG=1"), l.receive(Duration.ofSeconds(5)));
        }
    }

    @Test
    void sendingWhereNoOneListensFailsNamingTheAddress() throws IOException {
        String path = dir.resolve("nobody").toString();
        try (UnixDatagramSocket s = UnixDatagramSocket.open()) {
            IOException e = assertThrows(IOException.class, () -> s.send(path, new byte[] {1}));
            assertTrue(e.getMessage().startsWith("sendto " + path + ": errno "), e.getMessage());
            s.close();
            s.close();
            assertEquals("socket closed", assertThrows(IOException.class, () -> s.send(path, new byte[] {1})).getMessage());
        }
    }
}
