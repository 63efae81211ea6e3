package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics.bind}: the daemon's metrics endpoint listens on loopback unless told otherwise. */
class MetricsBindTest {

    @TempDir
    Path stateDir;

    @Test
    void byDefaultTheEndpointAnswersOnLoopbackOnly() throws Exception {
        int port = freePort();
        try (DeviceHarness h = new DeviceHarness(stateDir, Map.of("metrics.port", Integer.toString(port)))) {
            assertEquals("127.0.0.1", h.config.service().metricsBind());
            assertTrue(get(InetAddress.getLoopbackAddress(), port).contains("splitee_device"), "served on loopback");
            Optional<InetAddress> other = nonLoopbackAddress();
            if (other.isPresent()) { // a host with only loopback has nothing more to show
                assertThrows(IOException.class, () -> get(other.get(), port), "not on " + other.get());
            }
        }
    }

    @Test
    void everyInterfaceWhenAskedFor() throws Exception {
        int port = freePort();
        try (DeviceHarness h = new DeviceHarness(stateDir, Map.of("metrics.port", Integer.toString(port),
                "metrics.bind", "0.0.0.0"))) {
            assertTrue(get(InetAddress.getLoopbackAddress(), port).contains("splitee_device"));
            Optional<InetAddress> other = nonLoopbackAddress();
            if (other.isPresent()) {
                assertTrue(get(other.get(), port).contains("splitee_device"), "served on " + other.get());
            }
        }
    }

    private static String get(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (i.isUp() && !i.isLoopback()) {
                for (InetAddress a : Collections.list(i.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
