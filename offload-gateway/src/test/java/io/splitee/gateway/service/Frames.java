package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.splitee.model.ModelPackage;
import io.splitee.mqtt.Outgoing;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.SegmentRunner;
import io.splitee.onnx.Softmax;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ModelCatalog;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a device sends, made with a local runner of the real model: the raw sample or the features
 * after any block, in any encoding; and what the model computes from a frame, for comparison.
 */
final class Frames implements AutoCloseable {
    /** What the final exit says about one input. */
    record Expected(int classIndex, double confidence) {
    }

    final ModelPackage pkg;
    final ManifestHash hash;
    final SegmentRunner runner;
    private final FrameEncoder encoder = new FrameEncoder();
    private final FrameDecoder decoder;
    final List<TensorSpec> tensors = new ArrayList<>();

    Frames(ModelPackage pkg) throws Exception {
        this.pkg = pkg;
        this.hash = new ManifestHash(pkg.manifestSha256Bytes());
        this.runner = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(1).withFused(false));
        tensors.add(pkg.manifest().input().tensor().spec());
        for (int i = 1; i <= pkg.depth(); i++) {
            tensors.add(pkg.manifest().block(i).output().spec());
        }
        this.decoder = new FrameDecoder(ModelCatalog.of(pkg.manifest().id(), hash, tensors));
    }

    /** The normalised input of sample {@code i} of the package's sample set. */
    float[] input(int i) {
        return pkg.manifest().input().normalise(pkg.samples().image(i));
    }

    /** Boundary {@code block} (0 = input) of sample {@code i}. */
    float[] features(int i, int block) {
        float[] x = input(i);
        if (block == 0) {
            return x;
        }
        FloatBuffer out = FloatBuffer.allocate(runner.activationSize(block));
        runner.runBlocks(1, block, FloatBuffer.wrap(x), out);
        return out.array();
    }

    /** The frame a device sends after computing blocks 1..block (block 0: the raw sample). */
    byte[] frame(int sample, int block, Encoding enc, Compression comp, String id) {
        float[] v = features(sample, block);
        Frame f = block == 0
                ? Frame.sample(pkg.manifest().id(), hash, 0, tensors.get(0), id, Instant.now(), FloatBuffer.wrap(v))
                : Frame.features(pkg.manifest().id(), hash, block, tensors.get(block), id, Instant.now(),
                        FloatBuffer.wrap(v));
        return encoder.encode(f.encodedAs(enc, comp));
    }

    /** Encodes any frame (e.g. one made wrong on purpose). */
    byte[] encode(Frame f) {
        return encoder.encode(f);
    }

    /** What the model's final exit computes from this frame's values as the gateway decodes them. */
    Expected expected(byte[] wire) throws Exception {
        Frame f = decoder.decode(wire);
        float[] in = f.toArray();
        int depth = runner.depth();
        FloatBuffer last;
        if (f.block() < depth) {
            last = FloatBuffer.allocate(runner.activationSize(depth));
            runner.runBlocks(f.block() + 1, depth, FloatBuffer.wrap(in), last);
        } else {
            last = FloatBuffer.wrap(in);
        }
        float[] logits = new float[runner.classes()];
        runner.runExit(depth, last, logits);
        return new Expected(Softmax.argmax(logits), Softmax.maxProbability(logits));
    }

    /** A device's offload: on its features topic, with its replies topic and the sample id as correlation. */
    static Outgoing offload(String device, byte[] frame, String sampleId) {
        return Outgoing.builder("splitee/" + device + "/features", frame).qos(1).contentType(Frame.CONTENT_TYPE)
                .responseTopic("splitee/" + device + "/replies")
                .correlationData(sampleId.getBytes(StandardCharsets.UTF_8)).build();
    }

    static void assertSame(Expected e, io.splitee.wire.ResultMessage r, String what) {
        assertEquals(e.classIndex(), r.prediction().classIndex(), what + ": class");
        assertEquals(e.confidence(), r.prediction().confidence(), 1e-5, what + ": confidence");
    }

    @Override
    public void close() {
        encoder.close();
        decoder.close();
        runner.close();
    }

    /**
     * Publishes shipped test image {@code image} as sample {@code id} on {@code splitee/<device>/samples}, QoS 1,
     * and waits for the broker's acknowledgement (ForgedRepliesIT, ReplyTagIT).
     */
    static void publishSample(io.splitee.mqtt.Transport camera, FrameEncoder encoder, ModelPackage pkg,
                              ManifestHash hash, String device, String id, int image) throws Exception {
        float[] x = pkg.manifest().input().normalise(pkg.samples().image(image));
        byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0, pkg.manifest().input().tensor().spec(),
                id, Instant.now(), FloatBuffer.wrap(x)));
        camera.publish(Outgoing.builder("splitee/" + device + "/samples", frame).qos(1)
                .contentType(Frame.CONTENT_TYPE).build()).get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The device's count of gateway replies rejected for {@code reason}. */
    static double repliesRejected(io.splitee.device.daemon.DeviceDaemon device, String reason) {
        return device.metrics().registry().counter("splitee.device.replies.rejected", "reason", reason).count();
    }
}
