package io.splitee.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;

/**
 * The C library calls this package makes, bound by JNA (Linux's constants). Loaded on first use; where
 * JNA or the C library cannot be loaded, {@link #get()} throws {@link LinkageError}.
 */
interface Libc extends Library {
    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_RCVTIMEO = 20;
    int MSG_NOSIGNAL = 0x4000;
    int EAGAIN = 11;
    int EINTR = 4;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

    NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags) throws LastErrorException;

    int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int setenv(String name, String value, int overwrite) throws LastErrorException;

    /** The bound library, loaded once. */
    static Libc get() {
        return Holder.LIBC;
    }

    /** Lazy holder: the first use loads JNA. */
    final class Holder {
        static final Libc LIBC;

        static {
            // JNA unpacks its own native library into ~/.cache/JNA/temp unless told otherwise; a service writes
            // nothing under its user's home, so the JVM's temporary directory it is (an explicit -Djna.tmpdir wins)
            System.getProperties().putIfAbsent("jna.tmpdir", System.getProperty("java.io.tmpdir"));
            LIBC = Native.load(Platform.C_LIBRARY_NAME, Libc.class);
        }

        private Holder() {
        }
    }
}
