package io.splitee.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class SpecRecordsTest {

    private static final String HASH = "ab".repeat(32);

    @Test
    void tensorSpecCopiesAndComparesByValue() {
        int[] shape = {16, 28, 28};
        NamedTensor t = tensor("y", shape);
        shape[0] = 99;
        assertArrayEquals(new int[] {16, 28, 28}, t.shape());
        t.shape()[0] = 99;
        assertEquals(16 * 28 * 28, t.elementCount());
        assertEquals(4L * 16 * 28 * 28, t.bytesPerSample());
        assertArrayEquals(new long[] {8, 16, 28, 28}, t.batchShape(8));
        assertEquals(tensor("y", 16, 28, 28), t);
        assertNotEquals(tensor("y", 16, 28, 27), t);
        assertNotEquals(tensor("x", 16, 28, 28), t);
        assertEquals(tensor("x", 16, 28, 28).spec(), t.spec(), "same shape and type, names aside");
        assertEquals("y[16, 28, 28]:float32", t.toString());
    }

    @Test
    void invalidSpecsNameTheField() {
        assertMessage("shape", () -> tensor("y", 16, 0));
        assertMessage("shape", () -> tensor("y"));
        assertMessage("name", () -> tensor(" ", 1));
        NamedTensor t = tensor("y", 1);
        assertMessage("sha256", () -> new BlockSpec(1, "b.onnx", "xyz", t, t, 0, 0));
        assertMessage("index", () -> new ExitSpec(0, "e.onnx", HASH, t, t, 0, 0));
        assertMessage("flops", () -> new ExitSpec(1, "e.onnx", HASH, t, t, -1, 0));
        assertMessage("file", () -> new BlockSpec(1, "", HASH, t, t, 0, 0));
        assertMessage("std[0]", () -> new InputSpec.Normalisation(1, new double[] {0}, new double[] {0}));
        assertMessage("scale", () -> new InputSpec.Normalisation(0, new double[] {0}, new double[] {1}));
        assertMessage("layout", () -> new InputSpec(tensor("input", 1, 2, 2), "NHWC",
                new InputSpec.Image(2, 2, 1, "grayscale"), new InputSpec.Normalisation(1, new double[] {0}, new double[] {1})));
        assertMessage("does not match image", () -> new InputSpec(tensor("input", 1, 2, 3),
                "NCHW", new InputSpec.Image(2, 2, 1, "grayscale"),
                new InputSpec.Normalisation(1, new double[] {0}, new double[] {1})));
        assertEquals(HASH, new BlockSpec(1, "b.onnx", HASH.toUpperCase(), t, t, 0, 0).sha256());
    }

    @Test
    void normaliseComputesInFloat32AndWritesAtThePosition() {
        InputSpec in = new InputSpec(tensor("input", 1, 1, 3), "NCHW",
                new InputSpec.Image(1, 3, 1, "grayscale"),
                new InputSpec.Normalisation(1 / 255.0, new double[] {0.286}, new double[] {0.353}));
        byte[] pixels = {0, (byte) 255, 17};
        float[] t = in.normalise(pixels);
        for (int i = 0; i < 3; i++) {
            float unit = (pixels[i] & 0xFF) * (float) (1 / 255.0);
            assertEquals((unit - 0.286f) / 0.353f, t[i], 0f, "bit-exact float32 formula, pixel " + i);
        }
        FloatBuffer out = FloatBuffer.allocate(5).position(2);
        in.normalise(pixels, out);
        assertEquals(2, out.position());
        assertEquals(t[2], out.get(4));
        assertThrows(IllegalArgumentException.class, () -> in.normalise(new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> in.normalise(pixels, FloatBuffer.allocate(2)));
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "message lacks \"" + part + "\": " + e.getMessage());
    }

    private static NamedTensor tensor(String name, int... shape) {
        return new NamedTensor(name, TensorSpec.float32(shape));
    }
}
