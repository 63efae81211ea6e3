package io.splitee.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An unbound {@code AF_UNIX}/{@code SOCK_DGRAM} socket that sends datagrams to a named socket (Linux only):
 * the transport of systemd's {@code sd_notify} protocol, which Java 17's own Unix sockets (stream only) cannot
 * speak. An address is a file system path ({@code /run/systemd/notify}) or, with a leading {@code @}, a name in
 * the abstract namespace. Thread-safe; {@link #close()} is idempotent.
 */
public final class UnixDatagramSocket implements AutoCloseable {
    /** {@code sizeof(sun_path)} on Linux. */
    static final int MAX_PATH = 108;
    /** {@code offsetof(struct sockaddr_un, sun_path)} on Linux: the 16-bit family. */
    private static final int PATH_OFFSET = 2;

    private final Libc libc;
    private int fd;

    private UnixDatagramSocket(Libc libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    /**
     * Opens a socket.
     *
     * @throws IOException naming the reason: the C library or JNA cannot be loaded here, or {@code socket(2)} failed
     */
    public static UnixDatagramSocket open() throws IOException {
        Libc libc = load();
        try {
            return new UnixDatagramSocket(libc, libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0));
        } catch (LastErrorException e) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM): errno " + e.getErrorCode(), e);
        }
    }

    /** The C library through JNA, or an IOException saying why not. */
    static Libc load() throws IOException {
        try {
            return Libc.get();
        } catch (LinkageError e) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
            throw new IOException("no native access through JNA on " + System.getProperty("os.name") + "-"
                    + System.getProperty("os.arch") + ": " + e, e);
        }
    }

    /**
     * Sends one datagram.
     *
     * @param address a path, or {@code @name} for the abstract namespace
     * @throws IOException if the address is invalid or {@code sendto(2)} failed (e.g. no one listens there)
     */
    public synchronized void send(String address, byte[] payload) throws IOException {
        Objects.requireNonNull(payload, "payload");
        byte[] sockaddr = sockaddr(address);
        if (fd < 0) {
            throw new IOException("socket closed");
        }
        try {
            libc.sendto(fd, payload, new NativeLong(payload.length), Libc.MSG_NOSIGNAL, sockaddr, sockaddr.length);
        } catch (LastErrorException e) {
            throw new IOException("sendto " + address + ": errno " + e.getErrorCode(), e);
        }
    }

    /**
     * A {@code struct sockaddr_un} for {@code address}, as long as it needs to be: the family, then the path and
     * its NUL, or for {@code @name} a NUL and the name (abstract names are not NUL-terminated).
     *
     * @throws IOException if the address is empty, neither a path nor {@code @name}, or too long
     */
    static byte[] sockaddr(String address) throws IOException {
        Objects.requireNonNull(address, "address");
        boolean isAbstract = address.startsWith("@");
        if (!isAbstract && !address.startsWith("/")) {
            throw new IOException("unix socket address '" + address + "': neither an absolute path nor @name");
        }
        byte[] name = (isAbstract ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length + 1 > MAX_PATH) {
            throw new IOException("unix socket address '" + address + "': " + name.length + " bytes; 1 to "
                    + (MAX_PATH - 1) + " allowed");
        }
        byte[] sa = new byte[PATH_OFFSET + 1 + name.length];
        java.nio.ByteBuffer.wrap(sa).order(java.nio.ByteOrder.nativeOrder()).putShort((short) Libc.AF_UNIX);
        if (isAbstract) {
            sa[PATH_OFFSET] = 0;
            System.arraycopy(name, 0, sa, PATH_OFFSET + 1, name.length);
        } else {
            System.arraycopy(name, 0, sa, PATH_OFFSET, name.length); // the last byte stays NUL
        }
        return sa;
    }

    /** Closes the socket. Idempotent. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                libc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do: the descriptor is gone either way
            }
            fd = -1;
        }
    }
}
