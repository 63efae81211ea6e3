package io.splitee.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.model.ModelPackageException.Code;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxSamplesTest {

    @Test
    void readsImagesAndLabels() throws Exception {
        byte[] pixels = new byte[3 * 2 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 20);
        }
        IdxSamples s = IdxSamples.parse(images(0x803, 3, 2, 2, pixels), "i.gz", labels(0x801, 3, new byte[] {9, 0, (byte) 200}), "l.gz");
        assertEquals(3, s.count());
        assertEquals(2, s.rows());
        assertEquals(2, s.cols());
        assertArrayEquals(Arrays.copyOfRange(pixels, 4, 8), s.image(1));
        assertEquals(9, s.label(0));
        assertEquals(200, s.label(2), "labels are unsigned");
        s.image(0)[0] = 42;
        assertEquals(0, s.image(0)[0], "image() returns a copy");
        assertThrows(IndexOutOfBoundsException.class, () -> s.image(3));
    }

    @Test
    void wrongMagicNamesTheFile() throws Exception {
        ModelPackageException e = assertThrows(ModelPackageException.class,
                () -> IdxSamples.parse(images(0x801, 1, 1, 1, new byte[1]), "imgs.gz", labels(0x801, 1, new byte[1]), "l.gz"));
        assertEquals(Code.BAD_SAMPLES, e.code());
        assertEquals("imgs.gz", e.file());
        e = assertThrows(ModelPackageException.class,
                () -> IdxSamples.parse(images(0x803, 1, 1, 1, new byte[1]), "i.gz", labels(0x803, 1, new byte[1]), "lbls.gz"));
        assertEquals("lbls.gz", e.file());
    }

    @Test
    void truncatedAndMismatchedFilesFail() throws Exception {
        ModelPackageException e = assertThrows(ModelPackageException.class,
                () -> IdxSamples.parse(images(0x803, 2, 2, 2, new byte[5]), "i.gz", labels(0x801, 2, new byte[2]), "l.gz"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        e = assertThrows(ModelPackageException.class,
                () -> IdxSamples.parse(images(0x803, 2, 1, 1, new byte[2]), "i.gz", labels(0x801, 3, new byte[3]), "l.gz"));
        assertTrue(e.getMessage().contains("3 labels"), e.getMessage());
        e = assertThrows(ModelPackageException.class,
                () -> IdxSamples.parse(images(0x803, 1, 1, 1, new byte[2]), "i.gz", labels(0x801, 1, new byte[1]), "l.gz"));
        assertTrue(e.getMessage().contains("bytes after"), e.getMessage());
        e = assertThrows(ModelPackageException.class,
                () -> IdxSamples.parse("plain".getBytes(), "i.gz", labels(0x801, 1, new byte[1]), "l.gz"));
        assertTrue(e.getMessage().startsWith("i.gz: "), e.getMessage());
    }

    static byte[] images(int magic, int count, int rows, int cols, byte[] pixels) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(raw);
        out.writeInt(magic);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(pixels);
        return gzip(raw.toByteArray());
    }

    static byte[] labels(int magic, int count, byte[] labels) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(raw);
        out.writeInt(magic);
        out.writeInt(count);
        out.write(labels);
        return gzip(raw.toByteArray());
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
