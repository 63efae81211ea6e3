package io.splitee.linkproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy against a real echo server on loopback. Timing checks are lower bounds only (a delay the
 * profile adds cannot be beaten, however noisy the machine), never upper bounds.
 */
class LinkProxyTest {
    private ServerSocket echo;
    private Thread echoThread;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // peer gone
                        }
                    }, "echo-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo-accept");
        echoThread.setDaemon(true);
        echoThread.start();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    private InetSocketAddress upstream() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
    }

    private static Socket connect(LinkProxy p) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port());
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return s;
    }

    @Test
    void forwardsBytesIntactBothWays() throws Exception {
        try (LinkProxy p = LinkProxy.start(upstream(), LinkProfile.NONE); Socket s = connect(p)) {
            byte[] data = new byte[1 << 20];
            new Random(1).nextBytes(data);
            Thread w = new Thread(() -> {
                try {
                    s.getOutputStream().write(data);
                } catch (IOException ignored) {
                    // the assertion below fails instead
                }
            });
            w.start();
            byte[] back = new byte[data.length];
            new DataInputStream(s.getInputStream()).readFully(back);
            assertArrayEquals(data, back);
            assertTrue(p.bytesForwarded() >= 2L * data.length);
        }
    }

    @Test
    void addsTheProfilesRoundTrip() throws Exception {
        LinkProfile rtt80 = new LinkProfile("t", 0, Duration.ofMillis(80));
        try (LinkProxy p = LinkProxy.start(upstream(), rtt80); Socket s = connect(p)) {
            long t0 = System.nanoTime();
            s.getOutputStream().write(42);
            assertEquals(42, s.getInputStream().read());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 79, "round trip " + ms + " ms is shorter than the profile's 80 ms");
        }
    }

    @Test
    void limitsBandwidth() throws Exception {
        // 1 Mbit/s each way: 62,500 bytes need at least 0.5 s to cross once.
        LinkProfile slow = new LinkProfile("t", 1_000_000, Duration.ZERO);
        try (LinkProxy p = LinkProxy.start(upstream(), slow); Socket s = connect(p)) {
            byte[] data = new byte[62_500];
            long t0 = System.nanoTime();
            s.getOutputStream().write(data);
            new DataInputStream(s.getInputStream()).readFully(new byte[data.length]);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 490, "62.5 kB crossed a 1 Mbit/s link in " + ms + " ms");
        }
    }

    @Test
    void profileChangesApplyToOpenConnections() throws Exception {
        try (LinkProxy p = LinkProxy.start(upstream(), LinkProfile.NONE); Socket s = connect(p)) {
            s.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().read());
            p.setProfile(new LinkProfile("t", 0, Duration.ofMillis(100)));
            long t0 = System.nanoTime();
            s.getOutputStream().write(2);
            assertEquals(2, s.getInputStream().read());
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 99);
        }
    }

    @Test
    void stallHoldsBytesUntilReleased() throws Exception {
        try (LinkProxy p = LinkProxy.start(upstream(), LinkProfile.NONE); Socket s = connect(p)) {
            p.setStalled(true);
            s.getOutputStream().write(7);
            s.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            p.setStalled(false);
            s.setSoTimeout(10_000);
            assertEquals(7, s.getInputStream().read());
        }
    }

    @Test
    void cutAllEndsConnectionsAndNewOnesWork() throws Exception {
        try (LinkProxy p = LinkProxy.start(upstream(), LinkProfile.NONE); Socket s = connect(p)) {
            s.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().read());
            p.cutAll();
            assertTrue(readEndsOrFails(s), "a cut connection must end");
            try (Socket again = connect(p)) {
                again.getOutputStream().write(3);
                assertEquals(3, again.getInputStream().read());
            }
        }
    }

    @Test
    void refusingClosesNewConnections() throws Exception {
        try (LinkProxy p = LinkProxy.start(upstream(), LinkProfile.NONE)) {
            p.setRefusing(true);
            try (Socket s = connect(p)) {
                assertTrue(readEndsOrFails(s));
            }
            p.setRefusing(false);
            try (Socket s = connect(p)) {
                s.getOutputStream().write(5);
                assertEquals(5, s.getInputStream().read());
            }
        }
    }

    @Test
    void closeIsIdempotentAndStopsListening() throws Exception {
        LinkProxy p = LinkProxy.start(upstream(), LinkProfile.NONE);
        int port = p.port();
        p.close();
        p.close();
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void parsesProfiles() {
        assertEquals(LinkProfile.LTE, LinkProfile.parse("LTE"));
        assertEquals(250_000, LinkProfile.parse("constrained").bitsPerSecond());
        LinkProfile custom = LinkProfile.parse("1000kbit:80ms");
        assertEquals(1_000_000, custom.bitsPerSecond());
        assertEquals(Duration.ofMillis(80), custom.roundTrip());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkProfile.parse("5g"));
        assertTrue(e.getMessage().contains("unknown link profile '5g'"));
        assertThrows(IllegalArgumentException.class, () -> new LinkProfile("x", -1, Duration.ZERO));
    }

    private static boolean readEndsOrFails(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (IOException e) {
            return true;
        }
    }
}
