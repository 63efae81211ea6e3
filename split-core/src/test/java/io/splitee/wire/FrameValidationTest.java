package io.splitee.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every rejection the decoder makes, each by a frame crafted from the documented layout. */
class FrameValidationTest {

    private static final IntFunction<FloatBuffer> MUST_NOT_ALLOCATE = n -> {
        throw new AssertionError("destination requested for a frame that must be rejected (n=" + n + ")");
    };

    private final FrameDecoder decoder = new FrameDecoder(TestModels.CATALOG);

    @AfterEach
    void close() {
        decoder.close();
    }

    private FrameException reject(byte[] wire, FrameError code, String field) {
        return reject(decoder, wire, code, field);
    }

    private static FrameException reject(FrameDecoder d, byte[] wire, FrameError code, String field) {
        FrameException e = assertThrows(FrameException.class, () -> d.decode(ByteBuffer.wrap(wire), MUST_NOT_ALLOCATE));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + " " + field + ": "), e.getMessage());
        return e;
    }

    private static RawFrame valid() {
        return new RawFrame();
    }

    @Test
    void validCraftedFrameIsAccepted() throws FrameException {
        float[] values = new float[16 * 28 * 28];
        values[5] = 1.5f;
        Frame f = decoder.decode(valid().fp32(values).toBytes());
        assertEquals(Frame.Kind.FEATURES, f.kind());
        assertEquals(4, f.block());
        assertEquals("cam1-000123", f.sampleId());
        assertArrayEquals(values, f.toArray());
    }

    @Test
    void badMagic() {
        RawFrame r = valid();
        r.magic = new byte[] {'S', 'P', 'E', 'X'};
        reject(r.toBytes(), FrameError.BAD_MAGIC, "magic");
        reject("{\"sample_id\":1}".getBytes(StandardCharsets.UTF_8), FrameError.BAD_MAGIC, "magic");
        reject(new byte[] {'X'}, FrameError.BAD_MAGIC, "magic");
    }

    @Test
    void truncatedAtEveryStage() {
        byte[] full = valid().toBytes();
        reject(new byte[0], FrameError.TRUNCATED, "magic");
        reject(new byte[] {'S', 'P'}, FrameError.TRUNCATED, "magic");
        reject(Arrays.copyOf(full, 4), FrameError.TRUNCATED, "version");
        reject(Arrays.copyOf(full, 59), FrameError.TRUNCATED, "header");
        reject(Arrays.copyOf(full, 62), FrameError.TRUNCATED, "model_id");
        reject(Arrays.copyOf(full, 60 + 15 + 3), FrameError.TRUNCATED, "sample_id");
        reject(Arrays.copyOf(full, 60 + 15 + 11 + 5), FrameError.TRUNCATED, "shape");
        reject(Arrays.copyOf(full, full.length - 1), FrameError.TRUNCATED, "payload");
        RawFrame q = valid();
        q.encoding = 4; // int8 per channel: 16 * 5 parameter bytes
        q.payload = new byte[0];
        q.payloadLen = 16L * 28 * 28;
        reject(q.toBytes(), FrameError.TRUNCATED, "quant_params");
    }

    @Test
    void hugeDeclaredPayloadLengthIsTruncatedNotAllocated() {
        RawFrame r = valid();
        r.payloadLen = 0xFFFF_FFFFL;
        reject(r.toBytes(), FrameError.TRUNCATED, "payload");
    }

    @Test
    void unsupportedVersion() {
        RawFrame r = valid();
        r.version = 2;
        reject(r.toBytes(), FrameError.UNSUPPORTED_VERSION, "version");
        r.version = 0;
        reject(r.toBytes(), FrameError.UNSUPPORTED_VERSION, "version");
    }

    @Test
    void sizeMismatch() {
        byte[] full = valid().toBytes();
        reject(Arrays.copyOf(full, full.length + 1), FrameError.SIZE_MISMATCH, "payload_len");
        RawFrame shortPayload = valid();
        shortPayload.payload = new byte[100];
        reject(shortPayload.toBytes(), FrameError.SIZE_MISMATCH, "payload_len");
        RawFrame lenTooSmall = valid();
        lenTooSmall.payloadLen = (long) lenTooSmall.payload.length - 4;
        reject(lenTooSmall.toBytes(), FrameError.SIZE_MISMATCH, "payload_len");
    }

    @Test
    void deflateSizeMismatches() {
        int raw = 16 * 28 * 28 * 4;
        RawFrame shortStream = valid();
        shortStream.compression = 1;
        shortStream.payload = zlib(new byte[raw - 4]);
        reject(shortStream.toBytes(), FrameError.SIZE_MISMATCH, "payload");

        RawFrame longStream = valid();
        longStream.compression = 1;
        longStream.payload = zlib(new byte[10 * raw]); // a small bomb: ten times the declared size
        reject(longStream.toBytes(), FrameError.SIZE_MISMATCH, "payload");

        RawFrame trailing = valid();
        trailing.compression = 1;
        byte[] z = zlib(new byte[raw]);
        trailing.payload = Arrays.copyOf(z, z.length + 3);
        reject(trailing.toBytes(), FrameError.SIZE_MISMATCH, "payload_len");

        RawFrame empty = valid();
        empty.compression = 1;
        empty.payload = new byte[0];
        reject(empty.toBytes(), FrameError.SIZE_MISMATCH, "payload_len");
    }

    @Test
    void tooLarge() {
        FrameDecoder small = new FrameDecoder(TestModels.CATALOG, new DecodeLimits(4096, 1 << 20));
        try {
            reject(small, valid().toBytes(), FrameError.TOO_LARGE, "frame");
        } finally {
            small.close();
        }
        RawFrame huge = valid();
        huge.dims = new int[] {0xFFFF, 0xFFFF, 0xFFFF};
        huge.payload = new byte[8];
        reject(huge.toBytes(), FrameError.TOO_LARGE, "shape");
        RawFrame unsigned = valid();
        unsigned.dims = new int[] {-1, -1};
        reject(unsigned.toBytes(), FrameError.TOO_LARGE, "shape");
        FrameDecoder fewElements = new FrameDecoder(TestModels.CATALOG, new DecodeLimits(1 << 20, 1000));
        try {
            reject(fewElements, valid().toBytes(), FrameError.TOO_LARGE, "shape");
        } finally {
            fewElements.close();
        }
    }

    @Test
    void badKind() {
        RawFrame r = valid();
        r.kind = 0;
        reject(r.toBytes(), FrameError.BAD_KIND, "kind");
        r.kind = 3;
        reject(r.toBytes(), FrameError.BAD_KIND, "kind");
    }

    @Test
    void criticalFlagsRejectedInformationalFlagsKept() throws FrameException {
        RawFrame r = valid();
        r.flags = 0x0001;
        reject(r.toBytes(), FrameError.UNSUPPORTED_FLAGS, "flags");
        r.flags = 0x0080;
        reject(r.toBytes(), FrameError.UNSUPPORTED_FLAGS, "flags");
        r.flags = 0x8100;
        assertEquals(0x8100, decoder.decode(r.toBytes()).flags());
    }

    @Test
    void badIds() {
        RawFrame noModel = valid();
        noModel.modelIdLen = 0;
        noModel.modelId = new byte[0];
        reject(noModel.toBytes(), FrameError.BAD_ID, "model_id_len");

        RawFrame longSample = valid();
        longSample.sampleId = new byte[65];
        Arrays.fill(longSample.sampleId, (byte) 'a');
        reject(longSample.toBytes(), FrameError.BAD_ID, "sample_id_len");

        RawFrame notUtf8 = valid();
        notUtf8.sampleId = new byte[] {'c', (byte) 0xC3, 0x28};
        reject(notUtf8.toBytes(), FrameError.BAD_ID, "sample_id");

        RawFrame control = valid();
        control.sampleId = "cam1\n0001".getBytes(StandardCharsets.UTF_8);
        reject(control.toBytes(), FrameError.BAD_ID, "sample_id");

        RawFrame slash = valid();
        slash.modelId = "fmnist/resnet12".getBytes(StandardCharsets.UTF_8);
        FrameException e = reject(slash.toBytes(), FrameError.BAD_ID, "model_id");
        assertEquals(Optional.of("cam1-000123"), e.sampleId(), "the sample id is reported once read");
    }

    @Test
    void nonAsciiSampleIdIsAccepted() throws FrameException {
        RawFrame r = valid();
        r.sampleId = "kamera-é-000001".getBytes(StandardCharsets.UTF_8);
        assertEquals("kamera-é-000001", decoder.decode(r.toBytes()).sampleId());
    }

    @Test
    void badShape() {
        RawFrame rank0 = valid();
        rank0.dims = new int[0];
        reject(rank0.toBytes(), FrameError.BAD_SHAPE, "rank");
        RawFrame rank9 = valid();
        rank9.dims = new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1};
        reject(rank9.toBytes(), FrameError.BAD_SHAPE, "rank");
        RawFrame zero = valid();
        zero.dims = new int[] {16, 0, 28};
        reject(zero.toBytes(), FrameError.BAD_SHAPE, "shape[1]");
    }

    @Test
    void unknownModel() {
        RawFrame r = valid();
        r.modelId = "mnist-other".getBytes(StandardCharsets.UTF_8);
        FrameException e = reject(r.toBytes(), FrameError.UNKNOWN_MODEL, "model_id");
        assertEquals(java.util.Optional.of("mnist-other"), e.modelId(), "the error can name the model it was for");
    }

    @Test
    void modelIdIsOnlyReportedOnceReadAndValid() {
        assertEquals(java.util.Optional.empty(), reject(new byte[] {'X', 'X', 'X', 'X', 1, 0, 0, 0}, FrameError.BAD_MAGIC,
                "magic").modelId(), "nothing read yet");
        RawFrame r = valid();
        r.modelId = "bad model id!".getBytes(StandardCharsets.UTF_8);
        assertEquals(java.util.Optional.empty(), reject(r.toBytes(), FrameError.BAD_ID, "model_id").modelId(),
                "an invalid model id is not reported as the frame's");
    }

    @Test
    void hashMismatch() {
        RawFrame r = valid();
        r.hash = TestModels.OTHER_HASH.bytes();
        FrameException e = reject(r.toBytes(), FrameError.HASH_MISMATCH, "manifest_sha256");
        assertTrue(e.getMessage().contains(TestModels.OTHER_HASH.hex()), e.getMessage());
    }

    @Test
    void badBlock() {
        RawFrame beyond = valid();
        beyond.block = 13;
        beyond.deviceExitBlock = 13;
        reject(beyond.toBytes(), FrameError.BAD_BLOCK, "block");

        RawFrame sampleWithBlock = valid().sample(0);
        sampleWithBlock.block = 4;
        reject(sampleWithBlock.toBytes(), FrameError.BAD_BLOCK, "block");

        RawFrame featuresAtZero = valid();
        featuresAtZero.block = 0;
        featuresAtZero.deviceExitBlock = 0;
        reject(featuresAtZero.toBytes(), FrameError.BAD_BLOCK, "block");

        RawFrame exitDiffers = valid();
        exitDiffers.deviceExitBlock = 5;
        reject(exitDiffers.toBytes(), FrameError.BAD_BLOCK, "device_exit_block");

        RawFrame sampleExitBeyond = valid().sample(13);
        reject(sampleExitBeyond.toBytes(), FrameError.BAD_BLOCK, "device_exit_block");
    }

    @Test
    void sampleWithDeviceExitBlockIsAccepted() throws FrameException {
        Frame f = decoder.decode(valid().sample(7).toBytes());
        assertEquals(Frame.Kind.SAMPLE, f.kind());
        assertEquals(0, f.block());
        assertEquals(7, f.deviceExitBlock());
        assertEquals(TensorSpec.float32(1, 28, 28), f.tensor());
    }

    @Test
    void shapeMismatch() {
        RawFrame otherStage = valid();
        otherStage.dims = new int[] {32, 14, 14};
        otherStage.payload = new byte[32 * 14 * 14 * 4];
        FrameException e = reject(otherStage.toBytes(), FrameError.SHAPE_MISMATCH, "shape");
        assertTrue(e.getMessage().contains("[16, 28, 28]"), e.getMessage());
        RawFrame flat = valid();
        flat.dims = new int[] {16, 784};
        reject(flat.toBytes(), FrameError.SHAPE_MISMATCH, "shape");
        RawFrame batched = valid();
        batched.dims = new int[] {1, 16, 28, 28};
        reject(batched.toBytes(), FrameError.SHAPE_MISMATCH, "shape");
    }

    @Test
    void dtypeMismatch() {
        RawFrame r = valid();
        r.dtype = 2;
        reject(r.toBytes(), FrameError.DTYPE_MISMATCH, "dtype");
        r.dtype = 0;
        reject(r.toBytes(), FrameError.DTYPE_MISMATCH, "dtype");
    }

    @Test
    void badEncoding() {
        RawFrame unknownEncoding = valid();
        unknownEncoding.encoding = 9;
        reject(unknownEncoding.toBytes(), FrameError.BAD_ENCODING, "encoding");
        RawFrame unknownCompression = valid();
        unknownCompression.compression = 2;
        reject(unknownCompression.toBytes(), FrameError.BAD_ENCODING, "compression");
        for (float scale : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.MAX_VALUE}) {
            RawFrame q = int8(scale);
            reject(q.toBytes(), FrameError.BAD_ENCODING, "scale[0]");
        }
        RawFrame garbage = valid();
        garbage.compression = 1;
        garbage.payload = new byte[] {0x78, (byte) 0x9C, (byte) 0xFF, (byte) 0xFF, 0x00, 0x01};
        reject(garbage.toBytes(), FrameError.BAD_ENCODING, "payload");
        RawFrame cut = valid();
        cut.compression = 1;
        byte[] z = zlib(new byte[16 * 28 * 28 * 4]);
        cut.payload = Arrays.copyOf(z, z.length / 2);
        reject(cut.toBytes(), FrameError.BAD_ENCODING, "payload");
        RawFrame dictionary = valid();
        dictionary.compression = 1;
        dictionary.payload = zlibWithDictionary(new byte[16 * 28 * 28 * 4]);
        reject(dictionary.toBytes(), FrameError.BAD_ENCODING, "payload");
        RawFrame badChecksum = valid();
        badChecksum.compression = 1;
        byte[] c = zlib(new byte[16 * 28 * 28 * 4]);
        c[c.length - 1] ^= 1;
        badChecksum.payload = c;
        reject(badChecksum.toBytes(), FrameError.BAD_ENCODING, "payload");
    }

    @Test
    void nonFinite() {
        float[] values = new float[16 * 28 * 28];
        values[17] = Float.NaN;
        reject(valid().fp32(values).toBytes(), FrameError.NON_FINITE, "data[17]");
        values[17] = 0f;
        values[12543] = Float.NEGATIVE_INFINITY;
        reject(valid().fp32(values).toBytes(), FrameError.NON_FINITE, "data[12543]");

        RawFrame half = valid();
        half.encoding = 2;
        half.payload = new byte[16 * 28 * 28 * 2];
        half.payload[2 * 3] = 0x00;
        half.payload[2 * 3 + 1] = 0x7C; // +inf
        reject(half.toBytes(), FrameError.NON_FINITE, "data[3]");
        half.payload[2 * 3 + 1] = (byte) 0xFE; // NaN
        reject(half.toBytes(), FrameError.NON_FINITE, "data[3]");

        RawFrame deflated = valid().fp32(values);
        deflated.compression = 1;
        deflated.payload = zlib(deflated.payload);
        reject(deflated.toBytes(), FrameError.NON_FINITE, "data[12543]");
    }

    @Test
    void destinationUntouchedOnRejection() {
        float[] values = new float[16 * 28 * 28];
        values[100] = Float.NaN;
        FloatBuffer dst = FloatBuffer.allocate(values.length);
        assertThrows(FrameException.class, () -> decoder.decode(ByteBuffer.wrap(valid().fp32(values).toBytes()), n -> dst));
        assertEquals(0, dst.position());
    }

    @Test
    void everyCodeIsCoveredHere() {
        // Keeps this class honest when a code is added: each code must have a test method above.
        assertEquals(16, FrameError.values().length);
    }

    private static RawFrame int8(float scale) {
        RawFrame r = valid();
        r.encoding = 3;
        ByteBuffer p = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN);
        p.putFloat(scale).put((byte) 0);
        r.quantParams = p.array();
        r.payload = new byte[16 * 28 * 28];
        return r;
    }

    static byte[] zlib(byte[] raw) {
        Deflater d = new Deflater();
        try {
            d.setInput(raw);
            d.finish();
            byte[] out = new byte[raw.length + 1024];
            int n = 0;
            while (!d.finished()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                n += d.deflate(out, n, out.length - n);
            }
            return Arrays.copyOf(out, n);
        } finally {
            d.end();
        }
    }

    private static byte[] zlibWithDictionary(byte[] raw) {
        Deflater d = new Deflater();
        try {
            d.setDictionary(new byte[] {1, 2, 3, 4});
            d.setInput(raw);
            d.finish();
            byte[] out = new byte[raw.length + 1024];
            int n = d.deflate(out);
            return Arrays.copyOf(out, n);
        } finally {
            d.end();
        }
    }
}
