package io.splitee.device.ingest;

import java.awt.image.BufferedImage;

/**
 * Reads a binary PGM (netpbm {@code P5}): the header {@code P5 <width> <height> <maxval>} (whitespace
 * separated, {@code #} comments to the end of a line), one whitespace character, then width·height
 * samples of one byte (maxval ≤ 255) or two bytes, big-endian (maxval ≤ 65535), scaled to 0..255.
 */
final class Pgm {
    private Pgm() {
    }

    static BufferedImage read(byte[] b) throws ImageDecoder.ImageException {
        int[] pos = {2};
        long width = number(b, pos, "width");
        long height = number(b, pos, "height");
        long maxval = number(b, pos, "maxval");
        if (width < 1 || height < 1 || width * height > 16_000_000L) {
            throw new ImageDecoder.ImageException("PGM image of " + width + "x" + height + " pixels is empty or too large");
        }
        if (maxval < 1 || maxval > 65_535) {
            throw new ImageDecoder.ImageException("PGM maxval " + maxval + " is outside 1..65535");
        }
        int bytesPer = maxval > 255 ? 2 : 1;
        int start = pos[0] + 1; // the one whitespace character after maxval
        long need = width * height * bytesPer;
        if (pos[0] >= b.length || b.length - (long) start < need) {
            throw new ImageDecoder.ImageException("PGM image truncated: " + need + " bytes of samples expected, "
                    + Math.max(0, b.length - start) + " present");
        }
        BufferedImage img = new BufferedImage((int) width, (int) height, BufferedImage.TYPE_INT_RGB);
        int i = start;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = bytesPer == 1 ? b[i] & 0xff : ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
                i += bytesPer;
                int g = (int) Math.min(255, Math.round(v * 255.0 / maxval));
                img.setRGB(x, y, (g << 16) | (g << 8) | g);
            }
        }
        return img;
    }

    /** The next decimal number in the header, skipping whitespace and comments; {@code pos} ends on the character after it. */
    private static long number(byte[] b, int[] pos, String what) throws ImageDecoder.ImageException {
        int p = pos[0];
        while (p < b.length && (Character.isWhitespace(b[p]) || b[p] == '#')) {
            if (b[p] == '#') {
                while (p < b.length && b[p] != '\n') {
                    p++;
                }
            } else {
                p++;
            }
        }
        long v = 0;
        int digits = 0;
        while (p < b.length && b[p] >= '0' && b[p] <= '9' && digits < 9) {
            v = v * 10 + (b[p] - '0');
            p++;
            digits++;
        }
        if (digits == 0 || (p < b.length && !Character.isWhitespace(b[p]))) {
            throw new ImageDecoder.ImageException("PGM header: " + what + " is not a number");
        }
        pos[0] = p;
        return v;
    }
}
