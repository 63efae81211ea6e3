package io.splitee.model;

import io.splitee.model.ModelPackageException.Code;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A set of 8-bit images with labels, read from a gzip IDX pair as MNIST and Fashion-MNIST ship
 * them ({@code *-idx3-ubyte.gz} images, {@code *-idx1-ubyte.gz} labels), or images alone from an IDX3
 * file ({@link #readImages}). Immutable; accessors return copies, so it may be shared between threads.
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
        IdxSamples images = images(() -> gunzip(new ByteArrayInputStream(imagesGz)), imagesName);
        int count = images.count;
        byte[] labels;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                gunzip(new ByteArrayInputStream(labelsGz)), 1 << 16))) {
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
        } catch (IOException e) {
            throw unreadable(labelsName, e);
        }
        return new IdxSamples(images.pixels, labels, count, images.rows, images.cols);
    }

    /**
     * Reads the images of an IDX3 file alone, gzip or not (MNIST-style test images of one's own); the
     * set has no labels ({@link #hasLabels()} is false).
     *
     * @param file the IDX3 file, gzip-compressed or plain
     * @return the images
     * @throws IOException whose message starts with the file and says what is wrong: missing, unreadable,
     *     not IDX3, truncated, or longer than its header announces
     */
    public static IdxSamples readImages(Path file) throws IOException {
        try {
            return images(() -> {
                InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                try {
                    in.mark(2);
                    boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
                    in.reset();
                    return gzip ? gunzip(in) : in;
                } catch (IOException | RuntimeException e) {
                    in.close();
                    throw e;
                }
            }, file.toString());
        } catch (ModelPackageException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Opens a stream; what {@link #images} reads from. */
    private interface Opener {
        InputStream open() throws IOException;
    }

    private static IdxSamples images(Opener opener, String name) throws ModelPackageException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(opener.open(), 1 << 16))) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw bad(name, String.format("not an IDX3 unsigned-byte image file (magic 0x%08x, expected 0x%08x)",
                        magic, IMAGES_MAGIC));
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (count <= 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 16) {
                throw bad(name, "implausible dimensions " + count + " x " + rows + " x " + cols);
            }
            byte[] pixels = new byte[count * rows * cols];
            in.readFully(pixels);
            if (in.read() != -1) {
                throw bad(name, "has bytes after the " + count + " images its header announces");
            }
            return new IdxSamples(pixels, null, count, rows, cols);
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    private static InputStream gunzip(InputStream raw) throws IOException {
        return new GZIPInputStream(raw, 1 << 16);
    }

    private static ModelPackageException unreadable(String file, IOException e) {
        if (e instanceof EOFException) {
            return bad(file, "is truncated (fewer bytes than its header announces)");
        }
        if (e instanceof NoSuchFileException) {
            return bad(file, "no such file");
        }
        if (e instanceof ZipException) {
            return bad(file, "is not readable gzip: " + e.getMessage());
        }
        return bad(file, "cannot be read: " + e);
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

    /** @return whether the set has labels (false for {@link #readImages}) */
    public boolean hasLabels() {
        return labels != null;
    }

    /**
     * @param i sample index, 0-based
     * @return the label (0..255; a class index)
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, count)}
     * @throws IllegalStateException if the set has no labels
     */
    public int label(int i) {
        java.util.Objects.checkIndex(i, count);
        if (labels == null) {
            throw new IllegalStateException("these samples have no labels (images read without a label file)");
        }
        return labels[i] & 0xFF;
    }
}
