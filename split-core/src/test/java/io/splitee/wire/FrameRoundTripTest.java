package io.splitee.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Encode then decode, for every encoding, compression and block of the shipped model, plus odd shapes. */
class FrameRoundTripTest {

    private static final Instant T = Instant.parse("2026-11-28T10:15:30.123456Z");

    private final FrameEncoder encoder = new FrameEncoder();
    private final FrameDecoder decoder = new FrameDecoder(TestModels.CATALOG);

    @AfterEach
    void close() {
        encoder.close();
        decoder.close();
    }

    static Stream<Arguments> everyEncodingAndBlock() {
        List<Arguments> out = new ArrayList<>();
        for (Encoding e : Encoding.values()) {
            for (Compression c : Compression.values()) {
                for (int block : new int[] {0, 1, 4, 5, 8, 9, 12}) {
                    out.add(Arguments.of(e, c, block));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} block {2}")
    @MethodSource("everyEncodingAndBlock")
    void roundTripWithinTheEncodingsErrorBound(Encoding enc, Compression comp, int block) throws FrameException {
        TensorSpec spec = TestModels.spec(block);
        Random r = new Random(31L * block + enc.ordinal() * 7L + comp.ordinal());
        float[] values = block == 0 ? TestModels.signedValues(r, spec.elementCount(), 1.5f)
                : TestModels.reluFeatures(r, spec);
        Frame in = (block == 0
                ? Frame.sample(TestModels.MODEL_ID, TestModels.HASH, 3, spec, "cam1-000123", T, FloatBuffer.wrap(values))
                : Frame.features(TestModels.MODEL_ID, TestModels.HASH, block, spec, "cam1-000123", T,
                FloatBuffer.wrap(values))).encodedAs(enc, comp);
        byte[] wire = encoder.encode(in);
        if (comp == Compression.NONE) {
            int header = 60 + 15 + 11 + 4 * 3 + 5 * FrameLayout.quantChannels(enc, spec.dim(0));
            assertEquals(header + spec.elementCount() * enc.bytesPerElement(), wire.length, "exact uncompressed size");
        }
        Frame out = decoder.decode(wire);
        assertEquals(in.kind(), out.kind());
        assertEquals(in.modelId(), out.modelId());
        assertEquals(in.manifest(), out.manifest());
        assertEquals(in.block(), out.block());
        assertEquals(in.deviceExitBlock(), out.deviceExitBlock());
        assertEquals(spec, out.tensor());
        assertEquals(enc, out.encoding());
        assertEquals(comp, out.compression());
        assertEquals(in.sampleId(), out.sampleId());
        assertEquals(T, out.deviceTime());
        assertBound(enc, spec, values, out.toArray());
    }

    /** fp32 exact; fp16 within half a unit in the last place; int8 within half a step of its channel's scale. */
    static void assertBound(Encoding enc, TensorSpec spec, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        switch (enc) {
            case FP32 -> assertArrayEquals(expected, actual);
            case FP16 -> {
                for (int i = 0; i < expected.length; i++) {
                    float x = expected[i];
                    double tol = Math.max(Math.abs(x) * 0x1p-11, 0x1p-25);
                    assertTrue(Math.abs(actual[i] - x) <= tol, "fp16 at " + i + ": " + x + " -> " + actual[i]);
                }
            }
            case INT8, INT8_PER_CHANNEL -> {
                int channels = enc == Encoding.INT8 ? 1 : spec.dim(0);
                int per = expected.length / channels;
                for (int c = 0; c < channels; c++) {
                    float lo = 0;
                    float hi = 0;
                    for (int i = c * per; i < (c + 1) * per; i++) {
                        lo = Math.min(lo, expected[i]);
                        hi = Math.max(hi, expected[i]);
                    }
                    double step = (hi - lo) / 255.0;
                    for (int i = c * per; i < (c + 1) * per; i++) {
                        float x = expected[i];
                        assertTrue(Math.abs(actual[i] - x) <= step * 0.5 + 1e-6 * Math.abs(x) + 1e-30,
                                enc + " at " + i + ": " + x + " -> " + actual[i] + " step " + step);
                        if (x == 0f) {
                            assertEquals(0f, Math.abs(actual[i]), "zero stays zero at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void perChannelIsTighterThanPerTensorWhenChannelsDiffer() throws FrameException {
        TensorSpec spec = TestModels.spec(4);
        float[] values = TestModels.reluFeatures(new Random(5), spec);
        int per = values.length / 16;
        for (int i = 0; i < per; i++) {
            values[i] *= 50; // one loud channel
        }
        double errTensor = maxError(values, Encoding.INT8, spec);
        double errChannel = maxErrorExcludingChannel0(values, Encoding.INT8_PER_CHANNEL, spec);
        assertTrue(errChannel * 10 < errTensor, "per channel " + errChannel + " vs per tensor " + errTensor);
    }

    private double maxError(float[] values, Encoding enc, TensorSpec spec) throws FrameException {
        float[] back = roundTrip(values, enc, spec);
        double m = 0;
        for (int i = 0; i < values.length; i++) {
            m = Math.max(m, Math.abs(back[i] - values[i]));
        }
        return m;
    }

    private double maxErrorExcludingChannel0(float[] values, Encoding enc, TensorSpec spec) throws FrameException {
        float[] back = roundTrip(values, enc, spec);
        double m = 0;
        for (int i = values.length / spec.dim(0); i < values.length; i++) {
            m = Math.max(m, Math.abs(back[i] - values[i]));
        }
        return m;
    }

    private float[] roundTrip(float[] values, Encoding enc, TensorSpec spec) throws FrameException {
        Frame f = Frame.features(TestModels.MODEL_ID, TestModels.HASH, 4, spec, "s", T, FloatBuffer.wrap(values))
                .encodedAs(enc, Compression.NONE);
        return decoder.decode(encoder.encode(f)).toArray();
    }

    @Test
    void oddShapesAndRanks() throws FrameException {
        Random r = new Random(11);
        List<TensorSpec> shapes = List.of(TensorSpec.float32(1), TensorSpec.float32(7), TensorSpec.float32(3, 5),
                TensorSpec.float32(2, 1, 1, 1, 1, 1, 1, 3), TensorSpec.float32(1, 1, 1), TensorSpec.float32(300, 1));
        for (TensorSpec spec : shapes) {
            ModelCatalog cat = ModelCatalog.of("odd", TestModels.HASH, List.of(spec, spec));
            try (FrameDecoder d = new FrameDecoder(cat)) {
                for (Encoding e : Encoding.values()) {
                    for (Compression c : Compression.values()) {
                        float[] v = TestModels.signedValues(r, spec.elementCount(), 100f);
                        Frame f = Frame.features("odd", TestModels.HASH, 1, spec, "x", T, FloatBuffer.wrap(v))
                                .encodedAs(e, c);
                        Frame back = d.decode(encoder.encode(f));
                        assertEquals(spec, back.tensor());
                        assertBound(e, spec, v, back.toArray());
                    }
                }
            }
        }
    }

    @Test
    void constantAndAllZeroTensors() throws FrameException {
        TensorSpec spec = TestModels.spec(12);
        for (float value : new float[] {0f, -0f, 3.25f, -7f, 1e-30f}) {
            float[] v = new float[spec.elementCount()];
            java.util.Arrays.fill(v, value);
            for (Encoding e : Encoding.values()) {
                Frame f = Frame.features(TestModels.MODEL_ID, TestModels.HASH, 12, spec, "c", T, FloatBuffer.wrap(v))
                        .encodedAs(e, Compression.DEFLATE);
                assertBound(e, spec, v, decoder.decode(encoder.encode(f)).toArray());
            }
        }
    }

    @Test
    void decodesIntoCallerProvidedDirectBufferAtItsPosition() throws FrameException {
        TensorSpec spec = TestModels.spec(9);
        float[] v = TestModels.reluFeatures(new Random(2), spec);
        byte[] wire = encoder.encode(Frame.features(TestModels.MODEL_ID, TestModels.HASH, 9, spec, "d", T,
                FloatBuffer.wrap(v)).encodedAs(Encoding.FP16, Compression.DEFLATE));
        FloatBuffer direct = ByteBuffer.allocateDirect(4 * (spec.elementCount() + 10)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        direct.position(10);
        int[] asked = new int[1];
        Frame f = decoder.decode(ByteBuffer.wrap(wire), n -> {
            asked[0] = n;
            return direct;
        });
        assertEquals(spec.elementCount(), asked[0]);
        assertEquals(10 + spec.elementCount(), direct.position());
        assertEquals(direct.get(10), f.data().get(0));
        assertBound(Encoding.FP16, spec, v, f.toArray());
    }

    @Test
    void decodesIntoCallerProvidedArray() throws FrameException {
        TensorSpec spec = TestModels.spec(5);
        float[] v = TestModels.reluFeatures(new Random(3), spec);
        byte[] wire = encoder.encode(Frame.features(TestModels.MODEL_ID, TestModels.HASH, 5, spec, "a", T,
                FloatBuffer.wrap(v)));
        float[] mine = new float[spec.elementCount()];
        decoder.decode(ByteBuffer.wrap(wire), n -> FloatBuffer.wrap(mine));
        assertArrayEquals(v, mine);
    }

    @Test
    void destinationTooSmallIsTheCallersBug() {
        TensorSpec spec = TestModels.spec(5);
        byte[] wire = encoder.encode(Frame.features(TestModels.MODEL_ID, TestModels.HASH, 5, spec, "a", T,
                FloatBuffer.allocate(spec.elementCount())));
        assertThrows(IllegalStateException.class, () -> decoder.decode(ByteBuffer.wrap(wire), n -> FloatBuffer.allocate(3)));
    }

    @Test
    void decodesFromTheRemainingBytesOfABufferWithoutMovingIt() throws FrameException {
        TensorSpec spec = TestModels.spec(0);
        byte[] wire = encoder.encode(Frame.sample(TestModels.MODEL_ID, TestModels.HASH, 0, spec, "p", T,
                FloatBuffer.allocate(spec.elementCount())).encodedAs(Encoding.INT8, Compression.NONE));
        ByteBuffer padded = ByteBuffer.allocateDirect(wire.length + 7);
        padded.position(7);
        padded.put(wire);
        padded.position(7);
        Frame f = decoder.decode(padded);
        assertEquals(7, padded.position());
        assertEquals("p", f.sampleId());
    }

    @Test
    void timestampsAcrossTheWholeRange() throws FrameException {
        TensorSpec spec = TestModels.spec(0);
        for (long us : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_764_288_000_123_456L}) {
            Instant t = Frame.ofEpochMicros(us);
            assertEquals(us, Frame.epochMicros(t));
            Frame f = Frame.sample(TestModels.MODEL_ID, TestModels.HASH, 0, spec, "t", t,
                    FloatBuffer.allocate(spec.elementCount()));
            assertEquals(t, decoder.decode(encoder.encode(f)).deviceTime());
        }
        Frame nanos = Frame.sample(TestModels.MODEL_ID, TestModels.HASH, 0, spec, "t",
                Instant.parse("2026-01-01T00:00:00.123456789Z"), FloatBuffer.allocate(spec.elementCount()));
        assertEquals(Instant.parse("2026-01-01T00:00:00.123456Z"), nanos.deviceTime(), "kept to microseconds");
    }

    @Test
    void deflateShrinksSparseFeatures() {
        TensorSpec spec = TestModels.spec(4);
        float[] v = TestModels.reluFeatures(new Random(1), spec);
        Frame f = Frame.features(TestModels.MODEL_ID, TestModels.HASH, 4, spec, "z", T, FloatBuffer.wrap(v));
        int plain = encoder.encode(f.encodedAs(Encoding.INT8, Compression.NONE)).length;
        int deflated = encoder.encode(f.encodedAs(Encoding.INT8, Compression.DEFLATE)).length;
        assertTrue(deflated < plain * 0.8, deflated + " vs " + plain);
    }

    @Test
    void encoderRefusesValuesItCannotCarry() {
        TensorSpec spec = TensorSpec.float32(4);
        float[] big = {1f, 70000f, 0f, 0f};
        Frame f16 = Frame.features("m", TestModels.HASH, 1, spec, "s", T, FloatBuffer.wrap(big))
                .encodedAs(Encoding.FP16, Compression.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(f16));
        assertTrue(e.getMessage().contains("data[1]"), e.getMessage());
        float[] nan = {1f, 2f, Float.NaN, 0f};
        Frame fNan = Frame.features("m", TestModels.HASH, 1, spec, "s", T, FloatBuffer.wrap(nan));
        e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(fNan));
        assertTrue(e.getMessage().contains("data[2]"), e.getMessage());
        float[] wide = {Float.MAX_VALUE, -Float.MAX_VALUE, 0f, 0f};
        Frame fWide = Frame.features("m", TestModels.HASH, 1, spec, "s", T, FloatBuffer.wrap(wide))
                .encodedAs(Encoding.INT8, Compression.NONE);
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(fWide));
    }

    @Test
    void closedCodersRefuseWorkAndCloseTwice() {
        FrameEncoder e = new FrameEncoder(9);
        e.close();
        e.close();
        TensorSpec spec = TensorSpec.float32(1);
        Frame f = Frame.features("m", TestModels.HASH, 1, spec, "s", T, FloatBuffer.allocate(1));
        assertThrows(IllegalStateException.class, () -> e.encode(f));
        FrameDecoder d = new FrameDecoder(TestModels.CATALOG);
        d.close();
        d.close();
        assertThrows(IllegalStateException.class, () -> d.decode(new byte[0]));
    }

    @Test
    void encoderMatchesTheIndependentlyWrittenLayout() {
        float[] v = TestModels.reluFeatures(new Random(8), TestModels.spec(4));
        RawFrame raw = new RawFrame().fp32(v);
        raw.timeUs = Frame.epochMicros(T);
        byte[] mine = encoder.encode(Frame.features(TestModels.MODEL_ID, TestModels.HASH, 4, TestModels.spec(4),
                "cam1-000123", T, FloatBuffer.wrap(v)));
        assertArrayEquals(raw.toBytes(), mine);
    }

    @Test
    void frameIsAReadOnlyViewAndEqualByValue() {
        float[] v = {1f, 2f, 3f};
        TensorSpec spec = TensorSpec.float32(3);
        Frame a = Frame.features("m", TestModels.HASH, 2, spec, "s", T, FloatBuffer.wrap(v));
        Frame b = Frame.features("m", TestModels.HASH, 2, spec, "s", T, FloatBuffer.wrap(v.clone()));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertTrue(a.data().isReadOnly());
        FloatBuffer view = a.data();
        view.get();
        assertEquals(3, a.data().remaining(), "views are independent");
        assertSame(Frame.Kind.FEATURES, a.kind());
    }
}
