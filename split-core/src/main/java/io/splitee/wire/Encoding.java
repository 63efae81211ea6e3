package io.splitee.wire;

import java.util.Locale;
import java.util.Optional;

/**
 * How tensor values are represented in the frame payload (before optional {@link Compression}).
 * All multi-byte values are little-endian.
 */
public enum Encoding {
    /** 4 bytes per element, IEEE 754 binary32; lossless. Wire code 1. */
    FP32(1, 4),
    /** 2 bytes per element, IEEE 754 binary16, round to nearest even; values beyond ±65504 are refused by the encoder. Wire code 2. */
    FP16(2, 2),
    /** 1 signed byte per element, {@code x = scale * (q - zero_point)} with one scale and zero point for the whole tensor. Wire code 3. */
    INT8(3, 1),
    /** As {@link #INT8} but one scale and zero point per index of axis 0 of the per-sample shape (the channel axis in CHW). Wire code 4. */
    INT8_PER_CHANNEL(4, 1);

    private final int code;
    private final int bytesPerElement;

    Encoding(int code, int bytesPerElement) {
        this.code = code;
        this.bytesPerElement = bytesPerElement;
    }

    /** The code written in the frame header. */
    public int code() {
        return code;
    }

    /** Payload bytes per tensor element before compression. */
    public int bytesPerElement() {
        return bytesPerElement;
    }

    /** Lower-case name used in result JSON and documentation, e.g. {@code int8_per_channel}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Encoding> ofCode(int code) {
        for (Encoding e : values()) {
            if (e.code == code) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    static Optional<Encoding> ofJsonName(String name) {
        for (Encoding e : values()) {
            if (e.jsonName().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
