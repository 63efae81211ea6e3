package io.splitee.wire;

import java.util.Optional;

/**
 * Element type of the tensor a frame describes, i.e. what the receiver feeds to the next block
 * after decoding (independent of the {@link Encoding} used on the wire). Version 1 of the format
 * knows only {@code float32}; other codes are reserved and rejected as
 * {@link FrameError#DTYPE_MISMATCH}.
 */
public enum DType {
    /** IEEE 754 binary32; wire code 1. */
    FLOAT32(1);

    private final int code;

    DType(int code) {
        this.code = code;
    }

    /** The code written in the frame header. */
    public int code() {
        return code;
    }

    /** The dtype with this wire code, if this decoder supports it. */
    static Optional<DType> ofCode(int code) {
        for (DType d : values()) {
            if (d.code == code) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The dtype a manifest names ({@code float32}), if this format knows it. */
    public static Optional<DType> ofManifestName(String name) {
        for (DType d : values()) {
            if (d.manifestName().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Lower-case name as used in manifests ({@code float32}). */
    public String manifestName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
