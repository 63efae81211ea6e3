package io.splitee.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.model.ModelPackageException.Code;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertTrue(s.hasLabels());
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

    @Test
    void readsAnImageFileAloneGzipOrPlain(@TempDir Path dir) throws Exception {
        byte[] pixels = new byte[24];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) i;
        }
        byte[] gz = images(0x803, 3, 2, 4, pixels);
        Files.write(dir.resolve("imgs.gz"), gz);
        Files.write(dir.resolve("imgs"), gunzip(gz));
        for (String name : new String[] {"imgs.gz", "imgs"}) {
            IdxSamples s = IdxSamples.readImages(dir.resolve(name));
            assertEquals(3, s.count());
            assertEquals(2, s.rows());
            assertEquals(4, s.cols());
            assertArrayEquals(new byte[] {8, 9, 10, 11, 12, 13, 14, 15}, s.image(1));
            assertFalse(s.hasLabels());
            assertThrows(IllegalStateException.class, () -> s.label(0));
        }
    }

    @Test
    void aBadImageFileIsNamedWithItsProblem(@TempDir Path dir) throws Exception {
        Path labels = dir.resolve("labels.gz");
        Files.write(labels, labels(0x801, 3, new byte[3]));
        IOException e = assertThrows(IOException.class, () -> IdxSamples.readImages(labels));
        assertTrue(e.getMessage().startsWith(labels + ": not an IDX3"), e.getMessage());
        Path truncated = dir.resolve("short.gz");
        Files.write(truncated, images(0x803, 3, 2, 4, new byte[20]));
        e = assertThrows(IOException.class, () -> IdxSamples.readImages(truncated));
        assertTrue(e.getMessage().startsWith(truncated + ": is truncated"), e.getMessage());
        Path missing = dir.resolve("missing");
        e = assertThrows(IOException.class, () -> IdxSamples.readImages(missing));
        assertEquals(missing + ": no such file", e.getMessage());
        e = assertThrows(IOException.class, () -> IdxSamples.readImages(dir));
        assertTrue(e.getMessage().startsWith(dir + ": cannot be read: "), e.getMessage());
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

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
