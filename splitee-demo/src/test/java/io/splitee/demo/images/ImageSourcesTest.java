package io.splitee.demo.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourcesTest {
    @TempDir
    Path dir;

    static void writeIdx(Path file, boolean gzip, int magic, int count, int rows, int cols, int bytes) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(gzip ? new GZIPOutputStream(raw) : raw)) {
            out.writeInt(magic);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int i = 0; i < bytes; i++) {
                out.writeByte(i % 251);
            }
        }
    }

    @Test
    void readsGzipAndPlainIdx3() throws IOException {
        for (boolean gz : new boolean[] {true, false}) {
            Path f = dir.resolve("imgs-" + gz);
            writeIdx(f, gz, 0x803, 3, 2, 4, 24);
            IdxImages im = IdxImages.read(f);
            assertEquals(3, im.count());
            assertEquals(2, im.rows());
            assertEquals(4, im.cols());
            assertArrayEquals(new byte[] {8, 9, 10, 11, 12, 13, 14, 15}, im.image(1));
        }
    }

    @Test
    void namesTheProblemWithABadFile() throws IOException {
        Path labels = dir.resolve("labels.gz");
        writeIdx(labels, true, 0x801, 3, 2, 4, 24);
        IOException e = assertThrows(IOException.class, () -> IdxImages.read(labels));
        assertTrue(e.getMessage().contains("not an IDX3") && e.getMessage().contains("labels.gz"), e.getMessage());
        Path truncated = dir.resolve("short.gz");
        writeIdx(truncated, true, 0x803, 3, 2, 4, 20);
        e = assertThrows(IOException.class, () -> IdxImages.read(truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        e = assertThrows(IOException.class, () -> IdxImages.read(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void listsPngAndJpegFilesInNameOrderWithTheirTypes() throws IOException {
        Files.write(dir.resolve("b.JPG"), new byte[] {1});
        Files.write(dir.resolve("a.png"), new byte[] {1});
        Files.write(dir.resolve("c.jpeg"), new byte[] {1});
        Files.write(dir.resolve("notes.txt"), new byte[] {1});
        Files.createDirectory(dir.resolve("sub.png"));
        List<ImageFiles.Entry> l = ImageFiles.list(dir);
        assertEquals(List.of("a.png", "b.JPG", "c.jpeg"), l.stream().map(ImageFiles.Entry::sampleId).toList());
        assertEquals(List.of("image/png", "image/jpeg", "image/jpeg"), l.stream().map(ImageFiles.Entry::contentType).toList());
    }

    @Test
    void anEmptyFolderIsAnError() throws IOException {
        Files.write(dir.resolve("notes.txt"), new byte[] {1});
        IOException e = assertThrows(IOException.class, () -> ImageFiles.list(dir));
        assertTrue(e.getMessage().contains("no .png"), e.getMessage());
        e = assertThrows(IOException.class, () -> ImageFiles.list(dir.resolve("notes.txt")));
        assertTrue(e.getMessage().contains("not a folder"), e.getMessage());
    }

    @Test
    void sampleIdsAreCutTo64BytesWithoutControlCharacters() {
        String id = ImageFiles.sampleId("é".repeat(40) + ".png");
        assertTrue(id.getBytes(StandardCharsets.UTF_8).length <= 64, id);
        assertEquals("ab.png", ImageFiles.sampleId("a\u0001b.png"));
    }
}
