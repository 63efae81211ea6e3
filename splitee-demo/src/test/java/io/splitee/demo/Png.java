package io.splitee.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Test helper: a chart file is a real PNG. */
public final class Png {
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Png() {
    }

    /** Asserts the file has the PNG signature and decodes to an image of chart size; returns it. */
    public static BufferedImage assertPng(Path p) throws IOException {
        assertTrue(Files.isRegularFile(p), p + " exists");
        assertArrayEquals(SIGNATURE, Arrays.copyOf(Files.readAllBytes(p), 8), p + " has the PNG signature");
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, p + " decodes");
        assertTrue(img.getWidth() >= 800 && img.getHeight() >= 500, p + " size " + img.getWidth() + "x" + img.getHeight());
        return img;
    }
}
