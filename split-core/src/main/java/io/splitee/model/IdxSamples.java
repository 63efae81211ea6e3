package io.splitee.model;

import io.splitee.model.ModelPackageException.Code;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A set of 8-bit images with labels, read from a gzip IDX pair as MNIST and Fashion-MNIST ship
 * them ({@code *-idx3-ubyte.gz} images, {@code *-idx1-ubyte.gz} labels). Immutable; accessors return
 * copies, so it may be shared between threads.
 */
public final class IdxSamples {

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private final byte[] pixels;
    private final byte[] labels;
    private final int count;
    private final int rows;
    private final int cols;

    private IdxSamples(byte[] pixels, byte[] labels, int count, int rows, int cols) {
        this.pixels = pixels;
        this.labels = labels;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Parses a gzip IDX image file and its gzip IDX label file.
     *
     * @param imagesGz the gzip IDX3 image file's bytes
     * @param imagesName its name, for messages
     * @param labelsGz the gzip IDX1 label file's bytes
     * @param labelsName its name, for messages
     * @return the samples
     * @throws ModelPackageException ({@link Code#BAD_SAMPLES}) naming the file that is not valid IDX,
     *     or when the two files disagree on the number of samples
     */
    public static IdxSamples parse(byte[] imagesGz, String imagesName, byte[] labelsGz, String labelsName)
            throws ModelPackageException {
        int count;
        int rows;
        int cols;
        byte[] pixels;
        try (DataInputStream in = gunzip(imagesGz)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw bad(imagesName, String.format("not an IDX3 unsigned-byte image file (magic 0x%08x, expected 0x%08x)",
                        magic, IMAGES_MAGIC));
            }
            count = in.readInt();
            rows = in.readInt();
            cols = in.readInt();
            if (count <= 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 16) {
                throw bad(imagesName, "implausible dimensions " + count + " x " + rows + " x " + cols);
            }
            pixels = new byte[count * rows * cols];
            in.readFully(pixels);
            if (in.read() != -1) {
                throw bad(imagesName, "has bytes after the " + count + " images its header announces");
            }
        } catch (EOFException e) {
            throw bad(imagesName, "is truncated (fewer bytes than its header announces)");
        } catch (IOException e) {
            throw bad(imagesName, "is not readable gzip: " + e.getMessage());
        }
        byte[] labels;
        try (DataInputStream in = gunzip(labelsGz)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw bad(labelsName, String.format("not an IDX1 unsigned-byte label file (magic 0x%08x, expected 0x%08x)",
                        magic, LABELS_MAGIC));
            }
            int labelCount = in.readInt();
            if (labelCount != count) {
                throw bad(labelsName, "has " + labelCount + " labels but " + imagesName + " has " + count + " images");
            }
            labels = new byte[count];
            in.readFully(labels);
            if (in.read() != -1) {
                throw bad(labelsName, "has bytes after the " + count + " labels its header announces");
            }
        } catch (EOFException e) {
            throw bad(labelsName, "is truncated (fewer bytes than its header announces)");
        } catch (IOException e) {
            throw bad(labelsName, "is not readable gzip: " + e.getMessage());
        }
        return new IdxSamples(pixels, labels, count, rows, cols);
    }

    private static DataInputStream gunzip(byte[] gz) throws IOException {
        InputStream raw = new GZIPInputStream(new ByteArrayInputStream(gz), 1 << 16);
        return new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
    }

    private static ModelPackageException bad(String file, String problem) {
        return new ModelPackageException(Code.BAD_SAMPLES, file, problem);
    }

    /** @return number of samples */
    public int count() {
        return count;
    }

    /** @return image rows (height) */
    public int rows() {
        return rows;
    }

    /** @return image columns (width) */
    public int cols() {
        return cols;
    }

    /**
     * @param i sample index, 0-based, in file order
     * @return a copy of the image's {@code rows * cols} pixels, row-major, unsigned 8-bit
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, count)}
     */
    public byte[] image(int i) {
        java.util.Objects.checkIndex(i, count);
        int size = rows * cols;
        byte[] out = new byte[size];
        System.arraycopy(pixels, i * size, out, 0, size);
        return out;
    }

    /**
     * @param i sample index, 0-based
     * @return the label (0..255; a class index)
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, count)}
     */
    public int label(int i) {
        java.util.Objects.checkIndex(i, count);
        return labels[i] & 0xFF;
    }
}
