package io.splitee.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.time.Instant;

/**
 * Validates and decodes frames. Everything about a frame is checked, in this order, before its
 * payload is decoded and before anything sized by the frame is allocated: size limit, magic,
 * version, truncation, kind, flags, ids, shape structure and element limit, dtype/encoding codes,
 * declared lengths against the actual length, kind/block consistency, then against the
 * {@link ModelCatalog}: model id, manifest hash, block, dtype and shape. Then the payload is
 * inflated (never past the size the shape implies), quantisation parameters are checked, and every
 * value is checked to be finite before any value is written to the destination.
 *
 * <p>Any bad input gives a {@link FrameException} with a {@link FrameError} code and the field
 * name; no other exception escapes for any byte sequence. Not thread-safe: one decoder per thread.
 * Holds a native zlib stream; {@link #close()} releases it (idempotent).
 */
public final class FrameDecoder implements AutoCloseable {

    private final ModelCatalog catalog;
    private final DecodeLimits limits;
    private Inflater inflater;
    private byte[] inflateScratch = new byte[0];
    private float[] floatScratch = new float[0];
    private short[] shortScratch = new short[0];
    private final byte[] oneByte = new byte[1];
    private boolean closed;

    /** A decoder with {@link DecodeLimits#DEFAULT}. */
    public FrameDecoder(ModelCatalog catalog) {
        this(catalog, DecodeLimits.DEFAULT);
    }

    /** A decoder checking frames against {@code catalog} within {@code limits}. */
    public FrameDecoder(ModelCatalog catalog, DecodeLimits limits) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Decodes the whole array into a new heap buffer. */
    public Frame decode(byte[] wire) throws FrameException {
        return decode(ByteBuffer.wrap(wire));
    }

    /** Decodes the remaining bytes of {@code wire} (its position is not changed) into a new heap buffer. */
    public Frame decode(ByteBuffer wire) throws FrameException {
        return decode(wire, FloatBuffer::allocate);
    }

    /**
     * Decodes the remaining bytes of {@code wire} (its position is not changed) into a buffer the
     * caller provides, e.g. a direct native-order buffer for the model runtime.
     *
     * @param destination called once, after the frame has been validated, with the element count
     *                    {@code n}; must return a buffer with at least {@code n} remaining. The n
     *                    values are written at its position, which advances by n. Not called, and
     *                    nothing written, if the frame is rejected.
     * @return the frame; its {@link Frame#data()} views the n values written to the destination
     * @throws FrameException        if the frame is rejected
     * @throws IllegalStateException if the destination is too small or the decoder is closed
     */
    public Frame decode(ByteBuffer wire, IntFunction<FloatBuffer> destination) throws FrameException {
        if (closed) {
            throw new IllegalStateException("decoder is closed");
        }
        Objects.requireNonNull(destination, "destination");
        return new Parse(wire.slice().order(ByteOrder.LITTLE_ENDIAN)).run(destination);
    }

    /** Releases the native zlib stream; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (inflater != null) {
                inflater.end();
                inflater = null;
            }
        }
    }

    /** State of one decode. */
    private final class Parse {
        /** Whether {@link #fp16ToScratch} met an infinity or a NaN in this frame. */
        private boolean fp16NonFinite;
        private final ByteBuffer b;
        private final int len;
        private String sampleId;
        private String modelId;

        Parse(ByteBuffer b) {
            this.b = b;
            this.len = b.remaining();
        }

        private FrameException fail(FrameError code, String field, String detail) {
            return new FrameException(code, field, detail, sampleId, modelId);
        }

        Frame run(IntFunction<FloatBuffer> destination) throws FrameException {
            if (len > limits.maxFrameBytes()) {
                throw fail(FrameError.TOO_LARGE, "frame", len + " bytes exceed the limit of " + limits.maxFrameBytes());
            }
            for (int i = 0; i < Math.min(len, 4); i++) {
                if (b.get(i) != FrameLayout.MAGIC_BYTES[i]) {
                    throw fail(FrameError.BAD_MAGIC, "magic", "byte " + i + " is 0x" + hex(b.get(i))
                            + ", a frame starts with \"SPEF\"");
                }
            }
            if (len < FrameLayout.OFF_VERSION + 1) {
                throw fail(FrameError.TRUNCATED, len < 4 ? "magic" : "version", "frame is only " + len + " bytes");
            }
            int version = u8(FrameLayout.OFF_VERSION);
            if (version != FrameLayout.VERSION) {
                throw fail(FrameError.UNSUPPORTED_VERSION, "version", "version " + version + ", this decoder reads "
                        + FrameLayout.VERSION);
            }
            if (len < FrameLayout.FIXED_HEADER) {
                throw fail(FrameError.TRUNCATED, "header", "frame is " + len + " bytes, the fixed header alone is "
                        + FrameLayout.FIXED_HEADER);
            }
            int kindCode = u8(FrameLayout.OFF_KIND);
            Frame.Kind kind = kindCode == FrameLayout.KIND_SAMPLE ? Frame.Kind.SAMPLE
                    : kindCode == FrameLayout.KIND_FEATURES ? Frame.Kind.FEATURES : null;
            if (kind == null) {
                throw fail(FrameError.BAD_KIND, "kind", "code " + kindCode + " is neither 1 (sample) nor 2 (features)");
            }
            int flags = b.getShort(FrameLayout.OFF_FLAGS) & 0xFFFF;
            int unknownCritical = flags & FrameLayout.CRITICAL_FLAGS_MASK & ~FrameLayout.KNOWN_CRITICAL_FLAGS;
            if (unknownCritical != 0) {
                throw fail(FrameError.UNSUPPORTED_FLAGS, "flags", "critical bits 0x" + Integer.toHexString(unknownCritical)
                        + " are not defined in version " + FrameLayout.VERSION);
            }
            int modelIdLen = u8(FrameLayout.OFF_MODEL_ID_LEN);
            int sampleIdLen = u8(FrameLayout.OFF_SAMPLE_ID_LEN);
            int rank = u8(FrameLayout.OFF_RANK);
            if (modelIdLen < 1 || modelIdLen > Ids.MAX_ID_BYTES) {
                throw fail(FrameError.BAD_ID, "model_id_len", modelIdLen + " is not 1.." + Ids.MAX_ID_BYTES);
            }
            if (sampleIdLen < 1 || sampleIdLen > Ids.MAX_ID_BYTES) {
                throw fail(FrameError.BAD_ID, "sample_id_len", sampleIdLen + " is not 1.." + Ids.MAX_ID_BYTES);
            }
            if (rank < 1 || rank > TensorSpec.MAX_RANK) {
                throw fail(FrameError.BAD_SHAPE, "rank", rank + " is not 1.." + TensorSpec.MAX_RANK);
            }
            int offModel = FrameLayout.FIXED_HEADER;
            int offSample = offModel + modelIdLen;
            int offShape = offSample + sampleIdLen;
            int offParams = offShape + 4 * rank;
            if (len < offSample) {
                throw fail(FrameError.TRUNCATED, "model_id", "frame ends at " + len + ", model id ends at " + offSample);
            }
            if (len < offShape) {
                throw fail(FrameError.TRUNCATED, "sample_id", "frame ends at " + len + ", sample id ends at " + offShape);
            }
            String sid = Ids.strictUtf8(b.slice(offSample, sampleIdLen))
                    .orElseThrow(() -> fail(FrameError.BAD_ID, "sample_id", "not valid UTF-8"));
            Optional<String> sidProblem = Ids.sampleIdProblem(sid);
            if (sidProblem.isPresent()) {
                throw fail(FrameError.BAD_ID, "sample_id", sidProblem.get());
            }
            sampleId = sid;
            String mid = Ids.strictUtf8(b.slice(offModel, modelIdLen))
                    .orElseThrow(() -> fail(FrameError.BAD_ID, "model_id", "not valid UTF-8"));
            Optional<String> midProblem = Ids.nameProblem(mid);
            if (midProblem.isPresent()) {
                throw fail(FrameError.BAD_ID, "model_id", midProblem.get());
            }
            modelId = mid;
            if (len < offParams) {
                throw fail(FrameError.TRUNCATED, "shape", "frame ends at " + len + ", shape ends at " + offParams);
            }
            int[] shape = new int[rank];
            long elements = 1;
            for (int i = 0; i < rank; i++) {
                long d = b.getInt(offShape + 4 * i) & 0xFFFFFFFFL;
                if (d < 1) {
                    throw fail(FrameError.BAD_SHAPE, "shape[" + i + "]", "dimension is 0");
                }
                elements *= d; // d < 2^32 and elements <= limit < 2^31 before, so no overflow
                if (elements > limits.maxTensorElements()) {
                    throw fail(FrameError.TOO_LARGE, "shape", "declares more than " + limits.maxTensorElements()
                            + " elements (limit)");
                }
                shape[i] = (int) d;
            }
            int n = (int) elements;
            int dtypeCode = u8(FrameLayout.OFF_DTYPE);
            DType dtype = DType.ofCode(dtypeCode).orElseThrow(() -> fail(FrameError.DTYPE_MISMATCH, "dtype",
                    "code " + dtypeCode + " is not supported (version 1 carries 1 = float32)"));
            int encodingCode = u8(FrameLayout.OFF_ENCODING);
            Encoding encoding = Encoding.ofCode(encodingCode).orElseThrow(() -> fail(FrameError.BAD_ENCODING,
                    "encoding", "unknown code " + encodingCode));
            int compressionCode = u8(FrameLayout.OFF_COMPRESSION);
            Compression compression = Compression.ofCode(compressionCode).orElseThrow(() -> fail(
                    FrameError.BAD_ENCODING, "compression", "unknown code " + compressionCode));
            int channels = FrameLayout.quantChannels(encoding, shape[0]);
            long offPayload = offParams + (long) FrameLayout.QPARAM_BYTES_PER_CHANNEL * channels;
            if (len < offPayload) {
                throw fail(FrameError.TRUNCATED, "quant_params", "frame ends at " + len + ", parameters end at "
                        + offPayload);
            }
            long payloadLen = b.getInt(FrameLayout.OFF_PAYLOAD_LEN) & 0xFFFFFFFFL;
            long end = offPayload + payloadLen;
            if (len < end) {
                throw fail(FrameError.TRUNCATED, "payload", "frame ends at " + len + ", payload_len " + payloadLen
                        + " says it ends at " + end);
            }
            if (len > end) {
                throw fail(FrameError.SIZE_MISMATCH, "payload_len", (len - end) + " bytes follow the declared payload of "
                        + payloadLen + " bytes");
            }
            long rawLen = (long) n * encoding.bytesPerElement();
            if (compression == Compression.NONE && payloadLen != rawLen) {
                throw fail(FrameError.SIZE_MISMATCH, "payload_len", payloadLen + " bytes, shape " + Arrays.toString(shape)
                        + " in " + encoding.jsonName() + " needs " + rawLen);
            }
            if (compression == Compression.DEFLATE && payloadLen == 0) {
                throw fail(FrameError.SIZE_MISMATCH, "payload_len", "0 bytes cannot be a deflate stream");
            }
            int block = u8(FrameLayout.OFF_BLOCK);
            int deviceExitBlock = u8(FrameLayout.OFF_DEVICE_EXIT_BLOCK);
            if (kind == Frame.Kind.SAMPLE && block != 0) {
                throw fail(FrameError.BAD_BLOCK, "block", block + " for a sample frame (must be 0)");
            }
            if (kind == Frame.Kind.FEATURES && block == 0) {
                throw fail(FrameError.BAD_BLOCK, "block", "0 for a features frame (must be >= 1)");
            }
            if (kind == Frame.Kind.FEATURES && deviceExitBlock != block) {
                throw fail(FrameError.BAD_BLOCK, "device_exit_block", deviceExitBlock + " differs from block " + block
                        + " in a features frame");
            }
            byte[] hashBytes = new byte[ManifestHash.LENGTH];
            b.get(FrameLayout.OFF_MANIFEST, hashBytes);
            ManifestHash manifest = new ManifestHash(hashBytes);

            // Against the catalog.
            if (!catalog.knowsModel(modelId)) {
                throw fail(FrameError.UNKNOWN_MODEL, "model_id", "\"" + modelId + "\" is not served here");
            }
            if (!catalog.knowsManifest(modelId, manifest)) {
                throw fail(FrameError.HASH_MISMATCH, "manifest_sha256", manifest.hex() + " is not a served manifest of \""
                        + modelId + "\"");
            }
            TensorSpec spec = catalog.expected(modelId, manifest, block).orElseThrow(() -> fail(FrameError.BAD_BLOCK,
                    "block", block + " does not exist in model \"" + modelId + "\""));
            if (deviceExitBlock != block && catalog.expected(modelId, manifest, deviceExitBlock).isEmpty()) {
                throw fail(FrameError.BAD_BLOCK, "device_exit_block", deviceExitBlock + " does not exist in model \""
                        + modelId + "\"");
            }
            if (spec.dtype() != dtype) {
                throw fail(FrameError.DTYPE_MISMATCH, "dtype", dtype.manifestName() + ", model \"" + modelId
                        + "\" expects " + spec.dtype().manifestName() + " after block " + block);
            }
            if (spec.rank() != rank || !Arrays.equals(spec.shape(), shape)) {
                throw fail(FrameError.SHAPE_MISMATCH, "shape", Arrays.toString(shape) + ", model \"" + modelId
                        + "\" expects " + Arrays.toString(spec.shape()) + " after block " + block);
            }

            // Quantisation parameters.
            float[] scales = new float[channels];
            byte[] zeroPoints = new byte[channels];
            for (int c = 0; c < channels; c++) {
                float s = b.getFloat(offParams + 4 * c);
                if (!Quant.validScale(s)) {
                    throw fail(FrameError.BAD_ENCODING, "scale[" + c + "]", s + " is not in (0, " + Quant.MAX_SCALE + "]");
                }
                scales[c] = s;
                zeroPoints[c] = b.get(offParams + 4 * channels + c);
            }

            // Payload: inflate if needed (bounded by rawLen), check finiteness, then write.
            if (rawLen > Integer.MAX_VALUE - 8) {
                throw fail(FrameError.TOO_LARGE, "shape", rawLen + " payload bytes cannot be addressed");
            }
            int raw = (int) rawLen;
            ByteBuffer payload;
            if (compression == Compression.NONE) {
                payload = b.slice((int) offPayload, raw).order(ByteOrder.LITTLE_ENDIAN);
            } else {
                payload = inflate(b.slice((int) offPayload, (int) payloadLen), raw);
            }
            float[] converted = encoding == Encoding.FP16 ? fp16ToScratch(payload, n) : null;
            checkFinite(payload, encoding, n);

            FloatBuffer dst = destination.apply(n);
            if (dst == null || dst.remaining() < n) {
                throw new IllegalStateException("destination has " + (dst == null ? "no buffer" : dst.remaining()
                        + " remaining") + ", the frame needs " + n);
            }
            FloatBuffer view = dst.duplicate();
            view.limit(view.position() + n);
            if (converted != null) {
                dst.put(converted, 0, n);
            } else {
                write(payload, encoding, n, channels, scales, zeroPoints, dst);
            }
            Instant t = Frame.ofEpochMicros(b.getLong(FrameLayout.OFF_TIME));
            return new Frame(kind, modelId, manifest, block, deviceExitBlock, spec, encoding, compression, sid, t, flags,
                    view);
        }

        private int u8(int off) {
            return b.get(off) & 0xFF;
        }

        private ByteBuffer inflate(ByteBuffer compressed, int raw) throws FrameException {
            if (inflater == null) {
                inflater = new Inflater();
            }
            if (inflateScratch.length < raw) {
                inflateScratch = new byte[raw];
            }
            Inflater inf = inflater;
            inf.reset();
            inf.setInput(compressed);
            int got = 0;
            int stalls = 0;
            try {
                while (got < raw) {
                    int k = inf.inflate(inflateScratch, got, raw - got);
                    if (k > 0) {
                        got += k;
                        stalls = 0;
                        continue;
                    }
                    if (inf.finished()) {
                        throw fail(FrameError.SIZE_MISMATCH, "payload", "inflates to " + got + " bytes, the shape needs "
                                + raw);
                    }
                    if (inf.needsDictionary()) {
                        throw fail(FrameError.BAD_ENCODING, "payload", "deflate stream asks for a preset dictionary");
                    }
                    if (inf.needsInput() || ++stalls > 2) {
                        throw fail(FrameError.BAD_ENCODING, "payload", "deflate stream ends after " + got + " of " + raw
                                + " bytes");
                    }
                }
                if (!inf.finished()) {
                    if (inf.inflate(oneByte, 0, 1) > 0) {
                        throw fail(FrameError.SIZE_MISMATCH, "payload", "inflates past the " + raw
                                + " bytes the shape needs");
                    }
                    if (!inf.finished()) {
                        throw fail(FrameError.BAD_ENCODING, "payload", "deflate stream is not terminated");
                    }
                }
            } catch (DataFormatException e) {
                throw fail(FrameError.BAD_ENCODING, "payload", "corrupt deflate stream (" + e.getMessage() + ")");
            }
            if (inf.getRemaining() > 0) {
                throw fail(FrameError.SIZE_MISMATCH, "payload_len", inf.getRemaining()
                        + " bytes follow the end of the deflate stream");
            }
            return ByteBuffer.wrap(inflateScratch, 0, raw).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        /**
         * fp16 payload to floats in the scratch array, noting on the way whether any value is an infinity or
         * a NaN ({@link #checkFinite} then names it): one pass over a bulk copy of the halves, without a branch
         * per value (measured on this VM: about 9 us for a 25 KB frame against 11 us for a checking pass and a
         * converting pass; a table-free conversion was slower still, 14-20 us).
         */
        private float[] fp16ToScratch(ByteBuffer p, int n) {
            if (shortScratch.length < n) {
                shortScratch = new short[n];
            }
            if (floatScratch.length < n) {
                floatScratch = new float[n];
            }
            short[] h = shortScratch;
            float[] f = floatScratch;
            p.asShortBuffer().get(h, 0, n);
            int exponents = 0;
            for (int i = 0; i < n; i++) {
                int v = h[i];
                exponents |= (v & 0x7C00) + 0x0400; // bit 15 set only for an all-ones exponent
                f[i] = Fp16.toFloat(v);
            }
            fp16NonFinite = (exponents & 0x8000) != 0;
            return f;
        }

        private void checkFinite(ByteBuffer p, Encoding encoding, int n) throws FrameException {
            switch (encoding) {
                case FP32 -> {
                    int exponents = 0;
                    for (int i = 0; i < n; i++) {
                        exponents |= (p.getInt(4 * i) & 0x7F800000) + 0x00800000; // sign bit only for all ones
                    }
                    if (exponents < 0) {
                        for (int i = 0; i < n; i++) {
                            int bits = p.getInt(4 * i);
                            if ((bits & 0x7F800000) == 0x7F800000) {
                                throw fail(FrameError.NON_FINITE, "data[" + i + "]", "is " + Float.intBitsToFloat(bits));
                            }
                        }
                    }
                }
                case FP16 -> {
                    if (fp16NonFinite) { // found by fp16ToScratch; name the first one
                        for (int i = 0; i < n; i++) {
                            short h = p.getShort(2 * i);
                            if (Fp16.isNonFinite(h)) {
                                throw fail(FrameError.NON_FINITE, "data[" + i + "]", "is " + Fp16.toFloat(h));
                            }
                        }
                    }
                }
                case INT8, INT8_PER_CHANNEL -> {
                    // |q - zero_point| <= 255 and scale <= MAX_SCALE: always finite.
                }
            }
        }

        private void write(ByteBuffer p, Encoding encoding, int n, int channels, float[] scales, byte[] zeroPoints,
                           FloatBuffer dst) {
            if (encoding == Encoding.FP32) {
                dst.put(p.asFloatBuffer().limit(n));
                return;
            }
            if (floatScratch.length < n) {
                floatScratch = new float[n];
            }
            float[] f = floatScratch;
            if (encoding == Encoding.FP16) {
                for (int i = 0; i < n; i++) {
                    f[i] = Fp16.toFloat(p.getShort(2 * i));
                }
            } else {
                int per = n / channels;
                for (int c = 0; c < channels; c++) {
                    float s = scales[c];
                    int zp = zeroPoints[c];
                    int base = c * per;
                    for (int i = base; i < base + per; i++) {
                        f[i] = (p.get(i) - zp) * s;
                    }
                }
            }
            dst.put(f, 0, n);
        }
    }

    private static String hex(byte v) {
        return String.format("%02x", v & 0xFF);
    }
}
