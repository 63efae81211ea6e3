package io.splitee.wire;

import java.nio.FloatBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One tensor on the wire: a raw sample or the features after a block, with everything the gateway
 * needs to validate and continue the computation. The byte layout is in {@code docs/protocol.md}.
 *
 * <p>Invariants (checked here, so every {@code Frame} the decoder returns has them): ids valid,
 * {@code kind == SAMPLE} implies {@code block == 0}; {@code kind == FEATURES} implies
 * {@code block >= 1} and {@code deviceExitBlock == block}; {@code data.remaining() ==
 * tensor.elementCount()}. Finiteness of the values is checked by the encoder and the decoder, not
 * here.
 *
 * @param kind            raw sample or intermediate features
 * @param modelId         the manifest's {@code id}: 1..64 characters of {@code [A-Za-z0-9._-]}
 * @param manifest        SHA-256 of the {@code manifest.json} the tensor was computed with
 * @param block           the block the tensor follows: 0 for a raw sample, i for block i's output (1..255)
 * @param deviceExitBlock the last block the device computed (0: none). For features equal to {@code block};
 *                        for a raw sample the depth at which the device gave up and sent the sample instead
 * @param tensor          dtype and per-sample shape (no batch axis)
 * @param encoding        how the values are (or were) represented on the wire
 * @param compression     whether the encoded payload is (or was) deflated
 * @param sampleId        the device's name for the sample, 1..64 bytes of UTF-8, no control characters
 * @param deviceTime      the device's clock when the frame was made; kept to microseconds
 * @param flags           16 flag bits; bits 0-7 critical (none defined in version 1, must be 0), bits 8-15 informational
 * @param data            the values, row-major; the frame keeps a read-only view (no copy) of the remaining elements
 */
public record Frame(Kind kind, String modelId, ManifestHash manifest, int block, int deviceExitBlock,
                    TensorSpec tensor, Encoding encoding, Compression compression, String sampleId,
                    Instant deviceTime, int flags, FloatBuffer data) {

    /** MIME type of an encoded frame, e.g. for the MQTT 5 content-type property. */
    public static final String CONTENT_TYPE = "application/vnd.splitee.frame";
    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = FrameLayout.VERSION;
    /** Largest block index the format carries. */
    public static final int MAX_BLOCK = 255;

    /** What the frame's tensor is. */
    public enum Kind {
        /** The model input (block 0), e.g. the normalised image. Wire code 1. */
        SAMPLE(FrameLayout.KIND_SAMPLE),
        /** The output of a block the device computed. Wire code 2. */
        FEATURES(FrameLayout.KIND_FEATURES);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /** The code written in the frame header. */
        public int code() {
            return code;
        }
    }

    /** Validates (see the class comment) and keeps a read-only view of {@code data}. */
    public Frame {
        Objects.requireNonNull(kind, "kind");
        Ids.nameProblem(modelId).ifPresent(p -> {
            throw new IllegalArgumentException("modelId " + p);
        });
        Objects.requireNonNull(manifest, "manifest");
        if (block < 0 || block > MAX_BLOCK) {
            throw new IllegalArgumentException("block must be 0.." + MAX_BLOCK + ", got " + block);
        }
        if (deviceExitBlock < 0 || deviceExitBlock > MAX_BLOCK) {
            throw new IllegalArgumentException("deviceExitBlock must be 0.." + MAX_BLOCK + ", got " + deviceExitBlock);
        }
        if (kind == Kind.SAMPLE && block != 0) {
            throw new IllegalArgumentException("block must be 0 for a sample frame, got " + block);
        }
        if (kind == Kind.FEATURES && block < 1) {
            throw new IllegalArgumentException("block must be >= 1 for a features frame, got " + block);
        }
        if (kind == Kind.FEATURES && deviceExitBlock != block) {
            throw new IllegalArgumentException("deviceExitBlock must equal block (" + block + ") for a features frame, got "
                    + deviceExitBlock);
        }
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(compression, "compression");
        Ids.sampleIdProblem(sampleId).ifPresent(p -> {
            throw new IllegalArgumentException("sampleId " + p);
        });
        Objects.requireNonNull(deviceTime, "deviceTime");
        deviceTime = deviceTime.truncatedTo(ChronoUnit.MICROS);
        try {
            epochMicros(deviceTime);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("deviceTime " + deviceTime + " does not fit in 64-bit epoch microseconds", e);
        }
        if (flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("flags must fit in 16 bits, got " + flags);
        }
        if ((flags & FrameLayout.CRITICAL_FLAGS_MASK & ~FrameLayout.KNOWN_CRITICAL_FLAGS) != 0) {
            throw new IllegalArgumentException("flags: critical bits 0x" + Integer.toHexString(flags & FrameLayout.CRITICAL_FLAGS_MASK)
                    + " are not defined in format version " + FrameLayout.VERSION);
        }
        Objects.requireNonNull(data, "data");
        if (data.remaining() != tensor.elementCount()) {
            throw new IllegalArgumentException("data has " + data.remaining() + " values, tensor " + tensor + " needs "
                    + tensor.elementCount());
        }
        data = data.slice().asReadOnlyBuffer();
    }

    /** Features after {@code block} (the device computed blocks 1..block), fp32 and uncompressed until {@link #encodedAs}. */
    public static Frame features(String modelId, ManifestHash manifest, int block, TensorSpec tensor, String sampleId,
                                 Instant deviceTime, FloatBuffer data) {
        return new Frame(Kind.FEATURES, modelId, manifest, block, block, tensor, Encoding.FP32, Compression.NONE,
                sampleId, deviceTime, 0, data);
    }

    /**
     * The raw sample (model input), fp32 and uncompressed until {@link #encodedAs}.
     *
     * @param deviceExitBlock the block the device computed up to before deciding to send the sample (0: none)
     */
    public static Frame sample(String modelId, ManifestHash manifest, int deviceExitBlock, TensorSpec tensor,
                               String sampleId, Instant deviceTime, FloatBuffer data) {
        return new Frame(Kind.SAMPLE, modelId, manifest, 0, deviceExitBlock, tensor, Encoding.FP32, Compression.NONE,
                sampleId, deviceTime, 0, data);
    }

    /** This frame with another encoding and compression (same values; the view is shared). */
    public Frame encodedAs(Encoding newEncoding, Compression newCompression) {
        return new Frame(kind, modelId, manifest, block, deviceExitBlock, tensor, newEncoding, newCompression,
                sampleId, deviceTime, flags, data);
    }

    /** A read-only view of the values, positioned at 0 (independent of other callers' views). */
    @Override
    public FloatBuffer data() {
        return data.duplicate();
    }

    /** Microseconds since the epoch (floor), for any instant that fits in a {@code long}; ArithmeticException otherwise. */
    static long epochMicros(Instant t) {
        long s = t.getEpochSecond();
        long micros = t.getNano() / 1000;
        if (s < 0 && micros > 0) {
            return Math.addExact(Math.multiplyExact(s + 1, 1_000_000L), micros - 1_000_000L);
        }
        return Math.addExact(Math.multiplyExact(s, 1_000_000L), micros);
    }

    /** Inverse of {@link #epochMicros}; defined for every {@code long}. */
    static Instant ofEpochMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /** A copy of the values. */
    public float[] toArray() {
        float[] out = new float[data.remaining()];
        data.duplicate().get(out);
        return out;
    }
}
