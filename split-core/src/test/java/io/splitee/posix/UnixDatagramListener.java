package io.splitee.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A bound {@code AF_UNIX}/{@code SOCK_DGRAM} socket that receives datagrams, as systemd listens on
 * {@code NOTIFY_SOCKET}: the real peer of {@link UnixDatagramSocket} for tests (Linux, 64-bit). Not thread-safe;
 * {@link #close()} is idempotent and removes a path socket's file.
 */
public final class UnixDatagramListener implements AutoCloseable {
    private final Libc libc;
    private final String address;
    private final List<String> received = new ArrayList<>();
    private int fd;

    private UnixDatagramListener(Libc libc, String address, int fd) {
        this.libc = libc;
        this.address = address;
        this.fd = fd;
    }

    /** Binds a socket at {@code address}: a path, or {@code @name} in the abstract namespace. */
    public static UnixDatagramListener bind(String address) throws IOException {
        Libc libc = UnixDatagramSocket.load();
        byte[] sa = UnixDatagramSocket.sockaddr(address);
        int fd;
        try {
            fd = libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket: errno " + e.getErrorCode(), e);
        }
        try {
            libc.bind(fd, sa, sa.length);
            // SO_RCVTIMEO 100 ms (struct timeval: two 64-bit longs on a 64-bit Linux)
            byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0).putLong(100_000).array();
            libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, tv, tv.length);
        } catch (LastErrorException e) {
            libc.close(fd);
            throw new IOException("bind " + address + ": errno " + e.getErrorCode(), e);
        }
        return new UnixDatagramListener(libc, address, fd);
    }

    /** The address it listens on, as {@code NOTIFY_SOCKET} names it. */
    public String address() {
        return address;
    }

    /** The next datagram as UTF-8, or empty if none arrives within {@code timeout}. */
    public Optional<String> receive(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[4096];
        while (true) {
            try {
                long n = libc.recv(fd, buf, new NativeLong(buf.length), 0).longValue();
                String s = new String(buf, 0, (int) n, StandardCharsets.UTF_8);
                received.add(s);
                return Optional.of(s);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EAGAIN && e.getErrorCode() != Libc.EINTR) {
                    throw new IOException("recv " + address + ": errno " + e.getErrorCode(), e);
                }
            }
            if (System.nanoTime() - end > 0) {
                return Optional.empty();
            }
        }
    }

    /** Every datagram received so far, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        if (fd >= 0) {
            libc.close(fd);
            fd = -1;
            if (address.startsWith("/")) {
                try {
                    Files.deleteIfExists(Path.of(address));
                } catch (IOException ignored) {
                    // a temporary directory's cleanup removes it
                }
            }
        }
    }
}
