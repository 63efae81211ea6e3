package io.splitee.device.ingest;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Decodes PNG/JPEG/PGM (binary, {@code P5}) bytes into 8-bit pixels of a fixed size and channel count, channel-major (CHW),
 * the layout of the model's input before normalisation.
 *
 * <p>Images of another size are resized with bilinear interpolation (a camera rarely produces the
 * model's input size); colour images are converted to luminance for a one-channel model
 * (ITU-R BT.601 weights), grayscale images are replicated for a three-channel one.
 */
public final class ImageDecoder {
    /** Content types this decoder accepts. */
    public static boolean accepts(String contentType) {
        if (contentType == null) {
            return false;
        }
        String ct = contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        return ct.equals("image/png") || ct.equals("image/jpeg") || ct.equals("image/jpg") || ct.equals(PGM);
    }

    /** The content type of a binary PGM (netpbm {@code P5}) image. */
    public static final String PGM = "image/x-portable-graymap";

    private final int height;
    private final int width;
    private final int channels;

    /**
     * @param height   model input height
     * @param width    model input width
     * @param channels 1 (grayscale) or 3 (RGB)
     */
    public ImageDecoder(int height, int width, int channels) {
        if (height < 1 || width < 1 || height > 4096 || width > 4096) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is outside 1..4096");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels: " + channels + " must be 1 or 3");
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
    }

    /**
     * Decodes one image.
     *
     * @return {@code channels·height·width} unsigned bytes, channel-major
     * @throws ImageException when the bytes are not a readable PNG/JPEG, or the image is absurdly large
     */
    public byte[] decode(byte[] bytes) throws ImageException {
        BufferedImage img = bytes.length >= 2 && bytes[0] == 'P' && bytes[1] == '5' ? Pgm.read(bytes) : read(bytes);
        if (img == null) {
            throw new ImageException("not a readable PNG, JPEG or PGM image (" + bytes.length + " bytes)");
        }
        if ((long) img.getWidth() * img.getHeight() > 16_000_000L) {
            throw new ImageException("image of " + img.getWidth() + "x" + img.getHeight() + " pixels is too large");
        }
        BufferedImage rgb = img;
        if (img.getWidth() != width || img.getHeight() != height || img.getType() != BufferedImage.TYPE_INT_RGB) {
            rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(img, 0, 0, width, height, null);
            } finally {
                g.dispose();
            }
        }
        byte[] out = new byte[channels * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = rgb.getRGB(x, y);
                int r = (p >> 16) & 0xff;
                int gr = (p >> 8) & 0xff;
                int b = p & 0xff;
                int i = y * width + x;
                if (channels == 1) {
                    // grayscale sources have r == g == b, so this is exact for them
                    out[i] = (byte) Math.round(0.299 * r + 0.587 * gr + 0.114 * b);
                } else {
                    out[i] = (byte) r;
                    out[plane + i] = (byte) gr;
                    out[2 * plane + i] = (byte) b;
                }
            }
        }
        return out;
    }

    private static BufferedImage read(byte[] bytes) throws ImageException {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new ImageException("not a readable PNG, JPEG or PGM image: " + e.getMessage());
        }
    }

    /** An image could not be decoded; the message says why. */
    public static final class ImageException extends Exception {
        private static final long serialVersionUID = 1L;

        ImageException(String message) {
            super(message);
        }
    }
}
