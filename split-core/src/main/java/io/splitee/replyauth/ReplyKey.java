package io.splitee.replyauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The reply key: gateways tag each reply with {@code HMAC-SHA256(key, payload)} in the MQTT 5 user property
 * {@link #PROPERTY} (64 lower-case hex digits); a device with the key applies only replies whose tag verifies.
 * The payload is the whole result JSON, so the tag covers the sample id, device, model, prediction, confidence
 * and everything else the reply says. Thread-safe; {@link #toString()} never shows the key.
 */
public final class ReplyKey {
    /** The MQTT 5 user property that carries the tag. */
    public static final String PROPERTY = "splitee-reply-mac";
    /** Shortest key accepted, in bytes (the HMAC-SHA256 output length). */
    public static final int MIN_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    private ReplyKey(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /**
     * A key from its bytes.
     *
     * @throws IllegalArgumentException if shorter than {@link #MIN_BYTES}
     */
    public static ReplyKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException("the reply key has " + key.length + " bytes; at least " + MIN_BYTES
                    + " are needed (e.g. `openssl rand -hex 32`)");
        }
        return new ReplyKey(key.clone());
    }

    /**
     * Reads the key file: its text, with surrounding white space stripped, is the key (e.g. the output of
     * {@code openssl rand -hex 32}). Only its owner may read it.
     *
     * @param configKey the configuration key that names the file, which every message starts with
     * @throws IllegalArgumentException {@code <configKey> <file> ...}: unreadable, readable by group or others,
     *                                  or shorter than {@link #MIN_BYTES} bytes
     */
    public static ReplyKey load(String configKey, Path file) {
        try {
            try {
                Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
                if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                    throw new IllegalArgumentException(configKey + " " + file + " is readable by group or others; "
                            + "make it readable by the service user only (chmod 600)");
                }
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: nothing to check
            }
            byte[] text = Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            try {
                return of(text);
            } finally {
                Arrays.fill(text, (byte) 0);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(configKey + " " + file + " cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(configKey)) {
                throw e;
            }
            throw new IllegalArgumentException(configKey + " " + file + ": " + e.getMessage());
        }
    }

    /** The tag of {@code payload}: 64 lower-case hex digits. */
    public String tag(byte[] payload) {
        return HexFormat.of().formatHex(mac(payload));
    }

    /** Whether {@code tag} is the tag of {@code payload} (compared in constant time); false for null or malformed. */
    public boolean verifies(byte[] payload, String tag) {
        if (tag == null || tag.length() != 64) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(tag);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(payload), given);
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "ReplyKey[" + ALGORITHM + ", ***]";
    }
}
