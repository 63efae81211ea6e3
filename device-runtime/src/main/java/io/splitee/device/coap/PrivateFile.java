package io.splitee.device.coap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** A file with a secret in it (the pre-shared keys, a private key): like an ssh key, only its owner may read it. */
final class PrivateFile {
    private PrivateFile() {
    }

    /**
     * Refuses a file that group or others can read.
     *
     * @param key the configuration key that names the file, which the message starts with
     * @throws IOException {@code <key> <file> is readable by group or others; ...}, or the file cannot be read
     */
    static void checkOwnerOnly(String key, Path file) throws IOException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IOException(key + " " + file + " is readable by group or others; "
                        + "make it readable by the service user only (chmod 600)");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
