package io.splitee.wire;

import java.util.Locale;
import java.util.Optional;

/** Optional lossless compression applied to the encoded payload. */
public enum Compression {
    /** Payload stored as encoded. Wire code 0. */
    NONE(0),
    /** zlib stream (RFC 1950, deflate with Adler-32) of the encoded payload. Wire code 1. */
    DEFLATE(1);

    private final int code;

    Compression(int code) {
        this.code = code;
    }

    /** The code written in the frame header. */
    public int code() {
        return code;
    }

    /** Lower-case name used in result JSON, e.g. {@code deflate}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Compression> ofCode(int code) {
        for (Compression c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    static Optional<Compression> ofJsonName(String name) {
        for (Compression c : values()) {
            if (c.jsonName().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
