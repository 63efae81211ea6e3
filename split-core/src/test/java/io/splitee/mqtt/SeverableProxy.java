package io.splitee.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder whose connections a test can cut abruptly, as a crash or a network
 * loss would: the broker sees the socket close without an MQTT DISCONNECT (so it publishes the
 * last will), the client sees a lost connection. After {@link #cutAndRefuse()} new connections are
 * refused, so the client cannot come back. Threads are named {@code test-proxy-<port>-...}.
 */
final class SeverableProxy implements AutoCloseable {
    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;

    SeverableProxy(int upstreamPort) throws IOException {
        this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "test-proxy-" + server.getLocalPort() + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String uri() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Resets every open connection and refuses new ones. */
    void cutAndRefuse() {
        refusing = true;
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        sockets.clear();
    }

    @Override
    public void close() {
        cutAndRefuse();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket up = new Socket();
                up.connect(upstream, 2000);
                sockets.add(client);
                sockets.add(up);
                pump(client, up, "up");
                pump(up, client, "down");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection closed or cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "test-proxy-" + server.getLocalPort() + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
