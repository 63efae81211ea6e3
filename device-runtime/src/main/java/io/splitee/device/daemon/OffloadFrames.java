package io.splitee.device.daemon;

import io.splitee.device.config.DeviceConfig;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.model.ModelPackage;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.time.Instant;

/**
 * Encodes what an offload carries: the features after the arm, or the raw sample, in the configured
 * encoding and compression. Also the one place that turns the {@code offload.encoding} name into an
 * {@link Encoding}. Owned by the worker thread.
 */
final class OffloadFrames implements AutoCloseable {
    private final String modelId;
    private final ManifestHash manifestHash;
    private final TensorSpec[] tensorAt;
    private final Encoding encoding;
    private final Compression compression;
    private final FrameEncoder encoder = new FrameEncoder();

    OffloadFrames(ModelPackage pkg, DeviceConfig.Offload config) {
        this.modelId = pkg.manifest().id();
        this.manifestHash = new ManifestHash(pkg.manifestSha256Bytes());
        this.tensorAt = tensors(pkg);
        this.encoding = config.encoding();
        this.compression = compressionOf(config);
    }

    /** The compression {@code offload.deflate} asks for. */
    static Compression compressionOf(DeviceConfig.Offload config) {
        return config.deflate() ? Compression.DEFLATE : Compression.NONE;
    }

    /** The float32 tensor at each boundary 0..L. */
    static TensorSpec[] tensors(ModelPackage pkg) {
        TensorSpec[] t = new TensorSpec[pkg.depth() + 1];
        for (int i = 0; i <= pkg.depth(); i++) {
            t[i] = TensorSpec.float32(pkg.boundaryShape(i));
        }
        return t;
    }

    /**
     * Bytes on the wire of a frame after each block (index 0: the raw sample), uncompressed, in
     * {@code encoding}: what {@link io.splitee.device.cost.MeasuredCosts} prices an offload by.
     */
    static long[] sizes(ModelPackage pkg, Encoding encoding) {
        TensorSpec[] tensors = tensors(pkg);
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        long[] out = new long[tensors.length];
        try (FrameEncoder e = new FrameEncoder()) {
            for (int i = 0; i < tensors.length; i++) {
                FloatBuffer zeros = FloatBuffer.allocate(tensors[i].elementCount());
                String id = "x".repeat(24); // a typical sample id length
                Frame f = i == 0 ? Frame.sample(pkg.manifest().id(), hash, 0, tensors[i], id, Instant.now(), zeros)
                        : Frame.features(pkg.manifest().id(), hash, i, tensors[i], id, Instant.now(), zeros);
                out[i] = e.encode(f.encodedAs(encoding, Compression.NONE)).length;
            }
        }
        return out;
    }

    Encoding encoding() {
        return encoding;
    }

    Compression compression() {
        return compression;
    }

    /**
     * The frame of an offload of {@code s} carrying {@code payload}: {@code data} is boundary
     * {@code s.arm} for features, boundary 0 (the input) for the raw sample. A raw frame names the
     * arm the device computed (a probe: 0).
     */
    byte[] encode(Sample s, MeasuredCosts.Payload payload, FloatBuffer data) {
        int block = s.probe ? 0 : s.arm;
        Frame frame = payload == MeasuredCosts.Payload.FEATURES
                ? Frame.features(modelId, manifestHash, s.arm, tensorAt[s.arm], s.id, Instant.now(), data)
                : Frame.sample(modelId, manifestHash, block, tensorAt[0], s.id, Instant.now(), data);
        return encoder.encode(frame.encodedAs(encoding, compression));
    }

    @Override
    public void close() {
        encoder.close();
    }
}
