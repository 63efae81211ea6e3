package io.splitee.device.acl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The fleet's passwords as the dynamic-security plugin stores them: PBKDF2-HMAC-SHA512, 64 bytes, with a salt
 * and an iteration count per user. Read from the same file the {@code acl_file} route gives
 * {@code mosquitto_passwd}, one {@code user:password} line per user, before or after {@code mosquitto_passwd -U}:
 * a password in plain text is hashed here (a random 12-byte salt, {@value #ITERATIONS} iterations, what
 * Mosquitto 2.0.11's {@code mosquitto_passwd} and the plugin's own {@code createClient} do); a Mosquitto hash
 * {@code $7$<iterations>$<salt>$<hash>} (PBKDF2-SHA512, what {@code mosquitto_passwd} writes) is the same
 * function and is taken as it is. Blank lines and lines starting with {@code #} are skipped.
 */
public final class PasswordFile {

    /** PBKDF2 iterations for a password given in plain text: Mosquitto 2.0.11's default. */
    static final int ITERATIONS = 101;
    /** The salt length Mosquitto 2.0.11 uses and reads. */
    static final int SALT_BYTES = 12;
    /** SHA-512's output: the hash length the plugin reads. */
    static final int HASH_BYTES = 64;

    /**
     * One user's stored password.
     *
     * @param iterations PBKDF2 iterations, at least 1
     * @param salt       the salt
     * @param hash       PBKDF2-HMAC-SHA512(password, salt, iterations), 64 bytes
     */
    record Hash(int iterations, byte[] salt, byte[] hash) {
        Hash {
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
            }
            if (salt.length != SALT_BYTES) {
                throw new IllegalArgumentException("the salt has " + salt.length + " bytes, not " + SALT_BYTES);
            }
            if (hash.length != HASH_BYTES) {
                throw new IllegalArgumentException("the hash has " + hash.length + " bytes, not " + HASH_BYTES);
            }
            salt = salt.clone();
            hash = hash.clone();
        }

        /** Whether {@code password} is the password this hash was made from. */
        boolean matches(String password) {
            return MessageDigest.isEqual(hash, pbkdf2(password, salt, iterations));
        }

        @Override
        public byte[] salt() {
            return salt.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hash h && iterations == h.iterations && Arrays.equals(salt, h.salt)
                    && Arrays.equals(hash, h.hash);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * iterations + Arrays.hashCode(salt)) + Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return "Hash[iterations=" + iterations + "]"; // never the hash itself in a log
        }
    }

    private final Map<String, Hash> hashes;

    private PasswordFile(Map<String, Hash> hashes) {
        this.hashes = Collections.unmodifiableMap(new LinkedHashMap<>(hashes));
    }

    /**
     * Reads a password file (UTF-8).
     *
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException naming the file and line of a malformed entry (never the password)
     */
    public static PasswordFile read(Path file) throws IOException {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8), new SecureRandom());
    }

    /**
     * Parses password file lines.
     *
     * @param source the file's name, for messages
     * @param random the salts of plain-text passwords
     * @throws IllegalArgumentException naming {@code source} and the line of a malformed entry (never the password)
     */
    static PasswordFile parse(String source, List<String> lines, SecureRandom random) {
        Map<String, Hash> hashes = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = source + ": line " + (i + 1) + ": ";
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(where + "not user:password");
            }
            String user = line.substring(0, colon);
            String secret = line.substring(colon + 1);
            if (secret.isEmpty()) {
                throw new IllegalArgumentException(where + "user '" + user + "' has an empty password");
            }
            Hash hash;
            if (secret.startsWith("$7$")) {
                hash = mosquittoHash(where + "user '" + user + "': ", secret);
            } else if (secret.matches("\\$[0-9]+\\$.*")) {
                throw new IllegalArgumentException(where + "user '" + user + "' has a Mosquitto hash of type "
                        + secret.substring(0, secret.indexOf('$', 1) + 1) + "; the dynamic-security plugin stores "
                        + "PBKDF2-SHA512 ($7$) only: give the password in plain text or hashed by mosquitto_passwd 2.0");
            } else {
                byte[] salt = new byte[SALT_BYTES];
                random.nextBytes(salt);
                hash = new Hash(ITERATIONS, salt, pbkdf2(secret, salt, ITERATIONS));
            }
            if (hashes.putIfAbsent(user, hash) != null) {
                throw new IllegalArgumentException(where + "user '" + user + "' appears twice");
            }
        }
        return new PasswordFile(hashes);
    }

    /** {@code $7$<iterations>$<base64 salt>$<base64 hash>}, as {@code mosquitto_passwd} writes it. */
    private static Hash mosquittoHash(String where, String secret) {
        String[] f = secret.split("\\$", -1); // "", "7", iterations, salt, hash
        if (f.length != 5) {
            throw new IllegalArgumentException(where + "a $7$ hash has the form $7$<iterations>$<salt>$<hash>");
        }
        try {
            return new Hash(Integer.parseInt(f[2]), Base64.getDecoder().decode(f[3]), Base64.getDecoder().decode(f[4]));
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException(where + "not a $7$ hash of mosquitto_passwd 2.0: " + e.getMessage(), e);
        }
    }

    static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * 8);
        try {
            // SunJCE encodes the password as UTF-8, as Mosquitto hashes the bytes the client sends
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** The users with a password, in the file's order. */
    public Set<String> users() {
        return hashes.keySet();
    }

    /** The stored password of {@code user}. */
    Hash hash(String user) {
        return Objects.requireNonNull(hashes.get(user), () -> "no password for " + user);
    }
}
