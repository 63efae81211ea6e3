package io.splitee.linkproxy;

import io.splitee.lifecycle.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on a loopback port that forwards every accepted connection to one upstream address
 * through an emulated link ({@link LinkProfile}), and injects faults on demand.
 *
 * <p>Each direction of each connection has a reader thread and a writer thread. The reader stamps
 * every chunk with the time it leaves the emulated link: it is serialised after the chunks before
 * it at the profile's bandwidth, then delayed by half the round trip. At most {@value #MAX_BUFFERED}
 * bytes wait in a direction; past that the reader stops reading, so a fast sender on a slow link is
 * slowed by TCP flow control as it would be on the real link. The profile can be changed while
 * connections are open; the change applies to chunks read after it.
 *
 * <p>Threads are named {@code linkproxy-<port>-...}; {@link #close()} stops them all and is idempotent.
 */
public final class LinkProxy implements AutoCloseable {
    static final int MAX_BUFFERED = 1 << 20;
    private static final int CHUNK = 16 * 1024;

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicLong bytesForwarded = new AtomicLong();
    private volatile LinkProfile profile;
    private volatile boolean stalled;
    private volatile boolean downlinkStalled;
    private volatile boolean uplinkStalled;
    private volatile boolean refusing;
    private volatile boolean closed;

    private LinkProxy(InetSocketAddress upstream, LinkProfile profile, ServerSocket server) {
        this.upstream = upstream;
        this.profile = profile;
        this.server = server;
        this.acceptor = Threads.factory("linkproxy-" + server.getLocalPort() + "-accept", true)
                .newThread(this::acceptLoop);
    }

    /**
     * Starts a proxy on a free loopback port.
     *
     * @param upstream where connections are forwarded
     * @param profile  the initial link shape
     */
    public static LinkProxy start(InetSocketAddress upstream, LinkProfile profile) throws IOException {
        return start(0, upstream, profile);
    }

    /**
     * Starts a proxy on the given loopback port (0 = any free port).
     */
    public static LinkProxy start(int port, InetSocketAddress upstream, LinkProfile profile) throws IOException {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(profile, "profile");
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        LinkProxy p = new LinkProxy(upstream, profile, s);
        p.acceptor.start();
        return p;
    }

    /** The loopback port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** The current link shape. */
    public LinkProfile profile() {
        return profile;
    }

    /** Changes the link shape for everything read from now on, on open connections too. */
    public void setProfile(LinkProfile p) {
        this.profile = Objects.requireNonNull(p, "profile");
    }

    /**
     * Stalls the link: connections stay open but no byte moves in either direction (a dead route, a
     * frozen peer), until {@code setStalled(false)}.
     */
    public void setStalled(boolean stall) {
        this.stalled = stall;
    }

    /**
     * Stalls only the direction towards the client: what the client sends reaches the upstream, nothing comes
     * back (a one-way route failure; acknowledgements of what the client sent are held), until
     * {@code setDownlinkStalled(false)}.
     */
    public void setDownlinkStalled(boolean stall) {
        this.downlinkStalled = stall;
    }

    /**
     * Stalls only the direction towards the upstream: what the upstream sends reaches the client, nothing the client
     * sends goes on (held in the proxy), until {@code setUplinkStalled(false)}.
     */
    public void setUplinkStalled(boolean stall) {
        this.uplinkStalled = stall;
    }

    /** Refuses (closes at once) new connections while {@code true}: the upstream seems down. */
    public void setRefusing(boolean refuse) {
        this.refusing = refuse;
    }

    /** Closes every open connection abruptly (both sides see a reset or end of stream). */
    public void cutAll() {
        for (Connection c : connections) {
            c.close();
        }
    }

    /** Open connections right now. */
    public int openConnections() {
        return connections.size();
    }

    /** Bytes delivered in both directions since start. */
    public long bytesForwarded() {
        return bytesForwarded.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cutAll();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            Socket up = new Socket();
            try {
                up.connect(upstream, 5000);
                client.setTcpNoDelay(true);
                up.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(up);
                continue;
            }
            Connection c = new Connection(ids.incrementAndGet(), client, up);
            connections.add(c);
            c.start();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** One proxied connection: two directions. */
    private final class Connection {
        private final Socket client;
        private final Socket up;
        private final Direction toUp;
        private final Direction toClient;
        private final AtomicInteger finished = new AtomicInteger();

        Connection(int id, Socket client, Socket up) {
            this.client = client;
            this.up = up;
            String base = "linkproxy-" + server.getLocalPort() + "-c" + id;
            this.toUp = new Direction(base + "-up", client, up, this, false);
            this.toClient = new Direction(base + "-down", up, client, this, true);
        }

        void start() {
            toUp.start();
            toClient.start();
        }

        /** A direction ended normally (end of stream passed on); the connection closes when both have. */
        void directionDone() {
            if (finished.incrementAndGet() >= 2) {
                close();
            }
        }

        void close() {
            connections.remove(this);
            closeQuietly(client);
            closeQuietly(up);
            toUp.stop();
            toClient.stop();
        }
    }

    /** One direction: a reader stamping chunks and a writer releasing them on time. */
    private final class Direction {
        private final Socket from;
        private final Socket to;
        private final Connection owner;
        private final boolean down;
        private final Thread reader;
        private final Thread writer;
        private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
        private long buffered;
        private long linkFreeAt;
        private boolean eof;
        private volatile boolean stopped;

        Direction(String name, Socket from, Socket to, Connection owner, boolean down) {
            this.from = from;
            this.to = to;
            this.owner = owner;
            this.down = down;
            this.reader = Threads.factory(name + "-read", true).newThread(this::readLoop);
            this.writer = Threads.factory(name + "-write", true).newThread(this::writeLoop);
        }

        void start() {
            reader.start();
            writer.start();
        }

        void stop() {
            stopped = true;
            synchronized (this) {
                notifyAll();
            }
            writer.interrupt();
        }

        private void readLoop() {
            try (InputStream in = from.getInputStream()) {
                byte[] buf = new byte[CHUNK];
                while (!stopped) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    LinkProfile p = profile;
                    long now = System.nanoTime();
                    synchronized (this) {
                        while (buffered + n > MAX_BUFFERED && !stopped) {
                            wait(100);
                        }
                        long start = Math.max(now, linkFreeAt);
                        linkFreeAt = start + p.transmitNanos(n);
                        queue.addLast(new Chunk(java.util.Arrays.copyOf(buf, n), linkFreeAt + p.oneWayNanos()));
                        buffered += n;
                        notifyAll();
                    }
                }
            } catch (IOException | InterruptedException e) {
                // connection cut or proxy closing
            } finally {
                synchronized (this) {
                    eof = true;
                    notifyAll();
                }
            }
        }

        private boolean stalled() {
            return stalled || (down ? downlinkStalled : uplinkStalled);
        }

        private void writeLoop() {
            try (OutputStream out = to.getOutputStream()) {
                while (!stopped) {
                    Chunk c;
                    synchronized (this) {
                        while (queue.isEmpty() && !eof && !stopped) {
                            wait(100);
                        }
                        if (queue.isEmpty()) {
                            break;
                        }
                        c = queue.peekFirst();
                    }
                    long wait;
                    while ((wait = c.releaseAt - System.nanoTime()) > 0 || stalled()) {
                        if (stopped) {
                            return;
                        }
                        LockSupport.parkNanos(stalled() ? 1_000_000 : wait);
                        if (Thread.interrupted() && stopped) {
                            return;
                        }
                    }
                    out.write(c.data);
                    out.flush();
                    bytesForwarded.addAndGet(c.data.length);
                    synchronized (this) {
                        queue.pollFirst();
                        buffered -= c.data.length;
                        notifyAll();
                    }
                }
                if (!stopped) {
                    to.shutdownOutput();
                }
                owner.directionDone();
            } catch (IOException | InterruptedException e) {
                owner.close(); // cut, reset or proxy closing: the whole connection goes
            }
        }
    }

    private record Chunk(byte[] data, long releaseAt) {
    }
}
