package io.splitee.demo.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourcesTest {
    @TempDir
    Path dir;

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
