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

    /**
     * The encoding's one name, in result JSON, configuration ({@code offload.encoding}), flags, cost
     * profiles and documentation: {@code fp32}, {@code fp16}, {@code int8}, {@code int8_per_channel}.
     * {@link #parse} reads it back.
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The names of every encoding, comma-separated, for messages. */
    public static String names() {
        StringBuilder b = new StringBuilder();
        for (Encoding e : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.jsonName());
        }
        return b.toString();
    }

    /**
     * The encoding of a {@link #jsonName()}.
     *
     * @throws IllegalArgumentException {@code is not one of fp32, fp16, int8, int8_per_channel}
     */
    public static Encoding parse(String name) {
        return ofJsonName(name).orElseThrow(() -> new IllegalArgumentException("is not one of " + names()));
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
