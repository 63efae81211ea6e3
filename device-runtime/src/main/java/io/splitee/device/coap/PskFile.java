package io.splitee.device.coap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DTLS pre-shared keys ({@code coap.dtls.psk-file}): one {@code identity=secret} per line, blank lines
 * and {@code #} comments ignored; the secret is the bytes of its UTF-8 text (what {@code coap-client -k}
 * takes), or {@code hex:} and hex digits. The file must not be readable by group or others (like an ssh
 * key): a wider one is refused at start and ignored at reload. It is read again when its modification time
 * or size changes ({@link #reloadIfChanged}); a file that no longer parses keeps the keys loaded before,
 * with a warning. {@link #reload} reads it again unconditionally (SIGHUP).
 */
final class PskFile {
    private static final Logger LOG = LoggerFactory.getLogger(PskFile.class);

    private final Path file;
    private volatile Map<String, byte[]> keys;
    private FileTime readTime;
    private long readSize;

    private PskFile(Path file) {
        this.file = file;
    }

    static PskFile open(Path file) throws IOException {
        PskFile f = new PskFile(file);
        f.keys = f.read();
        LOG.info("coaps: {} pre-shared key identities from {}", f.keys.size(), file);
        return f;
    }

    /** Reads the file again if it changed since the last read (on the CoAP timer). */
    synchronized void reloadIfChanged() {
        try {
            if (Files.getLastModifiedTime(file).equals(readTime) && Files.size(file) == readSize) {
                return;
            }
        } catch (IOException e) {
            // read() says what is wrong
        }
        reload("changed");
    }

    /**
     * Reads the file again whether or not it looks changed (SIGHUP: an edit within the file system's
     * timestamp resolution that kept the size is seen too).
     *
     * @return whether the keys now in use are the file's (false: it did not parse, the earlier ones stay)
     */
    synchronized boolean reload(String why) {
        try {
            keys = read();
            LOG.info("coaps: reloaded {} pre-shared key identities from {} ({})", keys.size(), file, why);
            return true;
        } catch (IOException e) {
            LOG.warn("coaps: keys file {} not reloaded, the {} identities read before stay: {}", file, keys.size(),
                    e.getMessage());
            readTime = null;
            return false;
        }
    }

    /** The secret of {@code identity}, if it has one now. */
    java.util.Optional<byte[]> secret(String identity) {
        return java.util.Optional.ofNullable(keys.get(identity));
    }

    private Map<String, byte[]> read() throws IOException {
        FileTime t = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        PrivateFile.checkOwnerOnly("coap.dtls.psk-file", file);
        Map<String, byte[]> out = new TreeMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq < 1 || eq == l.length() - 1) {
                throw new IOException("coap.dtls.psk-file " + file + " line " + n + ": expected identity=secret");
            }
            String identity = l.substring(0, eq).strip();
            String secret = l.substring(eq + 1).strip();
            byte[] key;
            try {
                key = secret.startsWith("hex:") ? HexFormat.of().parseHex(secret.substring(4))
                        : secret.getBytes(StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IOException("coap.dtls.psk-file " + file + " line " + n + ": the hex secret is not hex", e);
            }
            if (identity.getBytes(StandardCharsets.UTF_8).length > 128 || key.length == 0 || key.length > 64) {
                throw new IOException("coap.dtls.psk-file " + file + " line " + n
                        + ": an identity of at most 128 bytes and a secret of 1..64 bytes expected");
            }
            if (out.put(identity, key) != null) {
                throw new IOException("coap.dtls.psk-file " + file + " line " + n + ": identity " + identity
                        + " appears twice");
            }
        }
        readTime = t;
        readSize = size;
        return Map.copyOf(out);
    }

    /** Scandium's view: the keys as they are now. */
    AdvancedPskStore store() {
        return new AdvancedPskStore() {
            @Override
            public boolean hasEcdhePskSupported() {
                return true;
            }

            @Override
            public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName,
                                                          PskPublicInformation identity, String hmacAlgorithm,
                                                          SecretKey otherSecret, byte[] seed,
                                                          boolean useExtendedMasterSecret) {
                byte[] key = keys.get(identity.getPublicInfoAsString());
                if (key == null) {
                    LOG.debug("coaps: handshake with unknown identity {} refused", identity.getPublicInfoAsString());
                    return new PskSecretResult(cid, identity, null);
                }
                return new PskSecretResult(cid, identity, SecretUtil.create(key, "PSK"));
            }

            @Override
            public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
                return null; // a server only: it never starts a handshake
            }

            @Override
            public void setResultHandler(HandshakeResultHandler resultHandler) {
                // answers are synchronous
            }
        };
    }
}
