package io.splitee.demo.images;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The images of an IDX3 unsigned-byte file ({@code *-idx3-ubyte}, gzip or not), as MNIST and
 * Fashion-MNIST ship them. Immutable.
 */
public final class IdxImages {
    private static final int MAGIC = 0x00000803;
    private static final long MAX_BYTES = 1L << 30;

    private final byte[] pixels;
    private final int count;
    private final int rows;
    private final int cols;

    private IdxImages(byte[] pixels, int count, int rows, int cols) {
        this.pixels = pixels;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Reads a whole file.
     *
     * @throws IOException naming the file and the problem (missing, not IDX3, truncated, too large)
     */
    public static IdxImages read(Path file) throws IOException {
        byte[] head = new byte[2];
        try (InputStream raw = Files.newInputStream(file)) {
            if (raw.readNBytes(head, 0, 2) < 2) {
                throw new IOException(file + ": empty or too short for an IDX file");
            }
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        boolean gzip = (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b;
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(
                     gzip ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IOException(file + ": not an IDX3 unsigned-byte image file (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x803)");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (count < 1 || rows < 1 || cols < 1 || (long) count * rows * cols > MAX_BYTES) {
                throw new IOException(file + ": implausible IDX3 header (" + count + " images of " + rows + "x"
                        + cols + ")");
            }
            byte[] px = new byte[count * rows * cols];
            in.readFully(px);
            return new IdxImages(px, count, rows, cols);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX3 file", e);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": corrupt gzip data: " + e.getMessage(), e);
        }
    }

    /** Number of images. */
    public int count() {
        return count;
    }

    /** Rows (height). */
    public int rows() {
        return rows;
    }

    /** Columns (width). */
    public int cols() {
        return cols;
    }

    /** A copy of image {@code i}'s pixels, row-major. */
    public byte[] image(int i) {
        java.util.Objects.checkIndex(i, count);
        int size = rows * cols;
        byte[] out = new byte[size];
        System.arraycopy(pixels, i * size, out, 0, size);
        return out;
    }
}
