package io.splitee.demo.feed;

import io.splitee.demo.images.Distortion;
import io.splitee.demo.images.ImageFiles;
import io.splitee.model.IdxSamples;
import io.splitee.model.InputSpec;
import io.splitee.model.ModelPackage;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.TensorSpec;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/** Where the samples a {@link SamplePublisher} sends come from. */
public final class Samples {

    /**
     * One message for the samples topic.
     *
     * @param sampleId    the sample's id (inside the frame, or as the {@code sample-id} user property)
     * @param payload     the bytes
     * @param contentType {@link Frame#CONTENT_TYPE}, {@code image/png} or {@code image/jpeg}
     */
    public record Message(String sampleId, byte[] payload, String contentType) {
        /** Validates. */
        public Message {
            Objects.requireNonNull(sampleId, "sampleId");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(contentType, "contentType");
        }

        /** Whether the sample id travels as a user property (images) rather than inside a frame. */
        public boolean idAsProperty() {
            return !contentType.equals(Frame.CONTENT_TYPE);
        }
    }

    /** A numbered source of messages, read on the publisher's thread, which closes it when done. */
    public interface Source extends AutoCloseable {
        /** How many messages there are. */
        int count();

        /** Message {@code i}, 0-based. */
        Message message(int i) throws IOException;

        /** Releases what the source holds. Idempotent. */
        @Override
        default void close() {
        }
    }

    private Samples() {
    }

    /** The id of shipped sample {@code index} in a run: {@code <prefix>-<index>}. */
    public static String sampleId(String prefix, int index) {
        return prefix + "-" + index;
    }

    /**
     * The index in a sample id of the form {@code <anything>-<index>}, or -1.
     */
    public static int indexOf(String sampleId) {
        int dash = sampleId.lastIndexOf('-');
        String tail = sampleId.substring(dash + 1);
        if (tail.isEmpty() || tail.length() > 9 || !tail.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(tail);
    }

    /**
     * {@code count} images of the model package's shipped samples, distorted, as sample frames with ids
     * {@code <prefix>-<index>}: sample i is shipped image i mod n (the images cycle when count &gt; n; each pass
     * draws its own noise, the seed taking the sample index).
     */
    public static Source shipped(ModelPackage pkg, int count, Distortion distortion, long seed, String prefix) {
        int n = pkg.samples().count();
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " must be ≥ 1");
        }
        return frames(pkg, count, i -> pkg.samples().image(i % n), distortion, seed, prefix);
    }

    /**
     * Images of an IDX3 file as sample frames for the model, ids {@code <prefix>-<index>}.
     *
     * @throws IOException when the file is unreadable or its images are not the model's input size
     */
    public static Source idx(ModelPackage pkg, Path file, int count, Distortion distortion, long seed, String prefix)
            throws IOException {
        IdxSamples images = IdxSamples.readImages(file);
        InputSpec.Image want = pkg.manifest().input().image();
        if (images.rows() != want.height() || images.cols() != want.width() || want.channels() != 1) {
            throw new IOException(file + ": images are " + images.cols() + "x" + images.rows() + " grayscale; the model "
                    + pkg.manifest().id() + " takes " + want.width() + "x" + want.height() + " with " + want.channels()
                    + " channel(s) (send PNG/JPEG files instead: the device resizes them)");
        }
        int n = count <= 0 ? images.count() : Math.min(count, images.count());
        return frames(pkg, n, images::image, distortion, seed, prefix);
    }

    private static Source frames(ModelPackage pkg, int count, IntFunction<byte[]> pixels, Distortion distortion,
                                 long seed, String prefix) {
        InputSpec input = pkg.manifest().input();
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        TensorSpec tensor = input.tensor().spec();
        String modelId = pkg.manifest().id();
        int h = input.image().height();
        int w = input.image().width();
        return new Source() {
            private final FrameEncoder encoder = new FrameEncoder();

            @Override
            public int count() {
                return count;
            }

            @Override
            public Message message(int i) {
                byte[] px = distortion.apply(pixels.apply(i), h, w, seed, i);
                String id = sampleId(prefix, i);
                Frame f = Frame.sample(modelId, hash, 0, tensor, id, Instant.now(), FloatBuffer.wrap(input.normalise(px)));
                return new Message(id, encoder.encode(f), Frame.CONTENT_TYPE);
            }

            @Override
            public void close() {
                encoder.close();
            }
        };
    }

    /** PNG/JPEG files sent as they are, each with its file name as the sample id. */
    public static Source files(List<ImageFiles.Entry> entries, int count) {
        int n = count <= 0 ? entries.size() : Math.min(count, entries.size());
        return new Source() {
            @Override
            public int count() {
                return n;
            }

            @Override
            public Message message(int i) throws IOException {
                ImageFiles.Entry e = entries.get(i);
                return new Message(e.sampleId(), Files.readAllBytes(e.path()), e.contentType());
            }
        };
    }
}
