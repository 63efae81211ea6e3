package io.splitee.model;

import java.util.Objects;
import java.util.regex.Pattern;

/** Shared constructor checks for the spec records. */
final class Specs {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private Specs() {
    }

    static void checkSegment(String kind, int index, String file, String sha256, NamedTensor input, NamedTensor output,
            long flops, long params) {
        if (index < 1) {
            throw new IllegalArgumentException(kind + " index must be >= 1, was " + index);
        }
        checkFile(file, "file");
        checkSha256(sha256, "sha256");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (flops < 0) {
            throw new IllegalArgumentException("flops must be >= 0, was " + flops);
        }
        if (params < 0) {
            throw new IllegalArgumentException("params must be >= 0, was " + params);
        }
    }

    static void checkFile(String file, String field) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }

    static void checkSha256(String sha256, String field) {
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException(field + " must be 64 hex digits, was " + sha256);
        }
    }
}
