package io.splitee.wire;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * SHA-256 of a model package's {@code manifest.json} file bytes: names exactly which model a
 * tensor was computed with. Immutable; the array is copied in and out.
 *
 * @param bytes the 32 digest bytes
 */
public record ManifestHash(byte[] bytes) {

    /** Digest length in bytes. */
    public static final int LENGTH = 32;

    /** Validates and copies. */
    public ManifestHash {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("manifest hash: must be " + LENGTH + " bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** Parses 64 hex digits (either case). */
    public static ManifestHash ofHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("manifest hash: expected 64 hex digits, got " + hex.length() + " characters");
        }
        try {
            return new ManifestHash(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("manifest hash: not hexadecimal: " + hex, e);
        }
    }

    /** SHA-256 of the given manifest file contents. */
    public static ManifestHash of(byte[] manifestFileBytes) {
        Objects.requireNonNull(manifestFileBytes, "manifestFileBytes");
        try {
            return new ManifestHash(MessageDigest.getInstance("SHA-256").digest(manifestFileBytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** A copy of the 32 digest bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** True if {@code candidate} holds the same 32 bytes (constant time). */
    public boolean matches(byte[] candidate) {
        return candidate != null && MessageDigest.isEqual(bytes, candidate);
    }

    byte[] unsafeBytes() {
        return bytes;
    }

    /** Lower-case hex. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ManifestHash h && Arrays.equals(h.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Lower-case hex. */
    @Override
    public String toString() {
        return hex();
    }
}
