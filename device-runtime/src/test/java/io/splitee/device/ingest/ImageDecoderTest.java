package io.splitee.device.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    private static BufferedImage gray(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 7 + y * 3) & 0xff);
            }
        }
        return img;
    }

    @Test
    void grayscalePngOfTheRightSizeIsExact() throws Exception {
        BufferedImage img = gray(28, 28);
        byte[] px = new ImageDecoder(28, 28, 1).decode(encode(img, "png"));
        byte[] expected = new byte[784];
        for (int i = 0; i < 784; i++) {
            expected[i] = (byte) img.getRaster().getSample(i % 28, i / 28, 0);
        }
        assertArrayEquals(expected, px);
    }

    @Test
    void largerColourJpegIsResizedAndConverted() throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, 0x808080);
            }
        }
        byte[] px = new ImageDecoder(28, 28, 1).decode(encode(img, "jpg"));
        assertEquals(784, px.length);
        for (byte b : px) {
            assertTrue(Math.abs((b & 0xff) - 128) <= 3, "mid-gray stays mid-gray: " + (b & 0xff));
        }
        assertEquals(3 * 784, new ImageDecoder(28, 28, 3).decode(encode(img, "png")).length);
    }

    @Test
    void binaryPgmIsReadWithCommentsAndScaledMaxval() throws Exception {
        byte[] header = "P5\n# a comment\n2 1\n15\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] pgm = java.util.Arrays.copyOf(header, header.length + 2);
        pgm[header.length] = 0;
        pgm[header.length + 1] = 15;
        byte[] px = new ImageDecoder(1, 2, 1).decode(pgm);
        assertEquals(0, px[0] & 0xff);
        assertEquals(255, px[1] & 0xff);
        ImageDecoder.ImageException truncated = assertThrows(ImageDecoder.ImageException.class,
                () -> new ImageDecoder(1, 2, 1).decode(header));
        assertTrue(truncated.getMessage().contains("PGM image truncated"), truncated.getMessage());
        assertTrue(ImageDecoder.accepts(ImageDecoder.PGM));
    }

    @Test
    void garbageIsRefusedWithAReason() {
        ImageDecoder.ImageException e = assertThrows(ImageDecoder.ImageException.class,
                () -> new ImageDecoder(28, 28, 1).decode(new byte[] {1, 2, 3, 4}));
        assertTrue(e.getMessage().contains("not a readable PNG, JPEG or PGM"));
    }

    @Test
    void contentTypes() {
        assertTrue(ImageDecoder.accepts("image/png"));
        assertTrue(ImageDecoder.accepts("IMAGE/JPEG; q=1"));
        assertFalse(ImageDecoder.accepts("application/octet-stream"));
        assertFalse(ImageDecoder.accepts(null));
    }
}
