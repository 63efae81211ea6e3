package io.splitee.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Value types: fp16 conversion, TensorSpec, ManifestHash, Frame and catalog validation. */
class WireValuesTest {

    private static final Instant T = Instant.EPOCH;

    @Test
    void everyHalfSurvivesHalfToFloatToHalf() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = Fp16.toFloat(h);
            if (Float.isNaN(f)) {
                assertTrue(Fp16.isNonFinite(Fp16.fromFloat(f)));
                continue;
            }
            assertEquals((short) h, Fp16.fromFloat(f), "half 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void knownHalfValues() {
        assertEquals(0x3C00, Fp16.fromFloat(1f));
        assertEquals((short) 0xC000, Fp16.fromFloat(-2f));
        assertEquals(0x7BFF, Fp16.fromFloat(65504f));
        assertEquals(0x7C00, Fp16.fromFloat(65520f), "rounds up to infinity");
        assertEquals(0x7BFF, Fp16.fromFloat(65519.99f));
        assertEquals(0x0001, Fp16.fromFloat(0x1p-24f));
        assertEquals(0x0000, Fp16.fromFloat(0x1p-25f), "tie to even: zero");
        assertEquals(0x0001, Fp16.fromFloat(0x1.000002p-25f));
        assertEquals(0x3C00, Fp16.fromFloat(1f + 0x1p-11f), "tie to even: 1.0");
        assertEquals(0x3C02, Fp16.fromFloat(1f + 3 * 0x1p-11f), "tie to even: up");
        assertEquals(0x0400, Fp16.fromFloat(0x1.ffcp-15f), "subnormal rounds up into the smallest normal");
    }

    @Test
    void fromFloatRoundsToNearest() {
        Random r = new Random(99);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (!Float.isFinite(f) || Math.abs(f) > 65504f) {
                continue;
            }
            int h = Fp16.fromFloat(f) & 0xFFFF;
            double err = Math.abs((double) Fp16.toFloat(h) - f);
            for (int neighbour : new int[] {h - 1, h + 1}) {
                if ((neighbour & 0x7FFF) <= 0x7BFF && neighbour >= 0 && ((neighbour ^ h) & 0x8000) == 0) {
                    assertTrue(err <= Math.abs((double) Fp16.toFloat(neighbour) - f), "not nearest for " + f);
                }
            }
        }
    }

    @Test
    void tensorSpecValidatesAndCopies() {
        int[] dims = {16, 28, 28};
        TensorSpec s = new TensorSpec(DType.FLOAT32, dims);
        dims[0] = 1;
        assertEquals(16, s.dim(0));
        assertEquals(12544, s.elementCount());
        assertEquals("float32[16, 28, 28]", s.toString());
        assertThrows(IllegalArgumentException.class, () -> TensorSpec.float32());
        assertThrows(IllegalArgumentException.class, () -> TensorSpec.float32(1, 0));
        assertThrows(IllegalArgumentException.class, () -> TensorSpec.float32(65536, 65536));
        assertThrows(IllegalArgumentException.class, () -> TensorSpec.float32(1, 1, 1, 1, 1, 1, 1, 1, 1));
    }

    @Test
    void manifestHash() {
        ManifestHash h = ManifestHash.of(new byte[0]);
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", h.hex());
        assertEquals(h, ManifestHash.ofHex(h.hex().toUpperCase(java.util.Locale.ROOT)));
        assertTrue(h.matches(h.bytes()));
        assertFalse(h.matches(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new ManifestHash(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> ManifestHash.ofHex("zz".repeat(32)));
    }

    @Test
    void frameConstructorNamesTheField() {
        TensorSpec spec = TensorSpec.float32(2);
        FloatBuffer two = FloatBuffer.allocate(2);
        assertMessage("modelId", () -> Frame.features("a/b", TestModels.HASH, 1, spec, "s", T, two));
        assertMessage("sampleId", () -> Frame.features("m", TestModels.HASH, 1, spec, "", T, two));
        assertMessage("sampleId", () -> Frame.features("m", TestModels.HASH, 1, spec, "x".repeat(65), T, two));
        assertMessage("block", () -> Frame.features("m", TestModels.HASH, 0, spec, "s", T, two));
        assertMessage("block", () -> Frame.features("m", TestModels.HASH, 256, spec, "s", T, two));
        assertMessage("data", () -> Frame.features("m", TestModels.HASH, 1, spec, "s", T, FloatBuffer.allocate(3)));
        assertMessage("deviceExitBlock", () -> Frame.sample("m", TestModels.HASH, -1, spec, "s", T, two));
        assertMessage("flags", () -> new Frame(Frame.Kind.SAMPLE, "m", TestModels.HASH, 0, 0, spec, Encoding.FP32,
                Compression.NONE, "s", T, 1, two));
        assertMessage("deviceTime", () -> Frame.sample("m", TestModels.HASH, 0, spec, "s", Instant.MAX, two));
    }

    @Test
    void catalogOfOneModel() {
        ModelCatalog c = TestModels.CATALOG;
        assertTrue(c.knowsModel(TestModels.MODEL_ID));
        assertFalse(c.knowsModel("other"));
        assertTrue(c.knowsManifest(TestModels.MODEL_ID, TestModels.HASH));
        assertFalse(c.knowsManifest(TestModels.MODEL_ID, TestModels.OTHER_HASH));
        assertEquals(TensorSpec.float32(1, 28, 28), c.expected(TestModels.MODEL_ID, TestModels.HASH, 0).orElseThrow());
        assertEquals(TensorSpec.float32(64, 7, 7), c.expected(TestModels.MODEL_ID, TestModels.HASH, 12).orElseThrow());
        assertTrue(c.expected(TestModels.MODEL_ID, TestModels.HASH, 13).isEmpty());
        assertTrue(c.expected(TestModels.MODEL_ID, TestModels.HASH, -1).isEmpty());
        assertTrue(c.expected(TestModels.MODEL_ID, TestModels.OTHER_HASH, 1).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ModelCatalog.of("m", TestModels.HASH, List.of()));
    }

    @Test
    void limitsValidate() {
        assertThrows(IllegalArgumentException.class, () -> new DecodeLimits(59, 10));
        assertThrows(IllegalArgumentException.class, () -> new DecodeLimits(1000, 0));
    }

    private static void assertMessage(String field, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(field), "expected a message about " + field + ": " + e.getMessage());
    }
}
