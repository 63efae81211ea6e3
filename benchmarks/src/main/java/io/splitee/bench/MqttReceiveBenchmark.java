package io.splitee.bench;

import io.splitee.model.ModelPackage;
import io.splitee.wire.DecodeLimits;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ModelCatalog;
import io.splitee.wire.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the gateway pays per feature frame before inference, split into its parts (issue #6): Paho
 * 1.2.5 turning the bytes of a PUBLISH packet into a message ({@code pahoDecode}: the MQTT client's
 * receive thread does this for every packet; it copies the payload one byte at a time through
 * {@code CountingInputStream.read()} over a synchronized {@code ByteArrayInputStream}), the same
 * number of bytes copied in bulk ({@code bulkCopy}, the floor), and our frame decoder writing the
 * tensor into a direct buffer for ONNX Runtime ({@code frameDecode}). Frames are the real
 * fmnist-resnet12 boundary tensors in fp16, as a device sends them by default.
 *
 * <pre>java -jar benchmarks/target/splitee-benchmarks.jar MqttReceiveBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MqttReceiveBenchmark {

    /** Split block: 0 = the raw sample, 4 = the features after block 4 (the gateway benchmark's frames). */
    @Param({"0", "4", "8"})
    public int block;

    private byte info;
    private byte[] packet;
    private byte[] frame;
    private byte[] copy;
    private FrameDecoder decoder;
    private FloatBuffer tensor;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ModelPackage pkg = ModelPackage.load(Path.of(System.getProperty("splitee.model.dir",
                "models/fmnist-resnet12")));
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        List<TensorSpec> tensors = new ArrayList<>();
        int depth = pkg.manifest().depth();
        for (int b = 0; b <= depth; b++) {
            tensors.add(TensorSpec.float32(pkg.boundaryShape(b)));
        }
        TensorSpec t = tensors.get(block);
        FloatBuffer values = FloatBuffer.allocate(t.elementCount());
        for (int i = 0; i < values.capacity(); i++) {
            values.put(i, (float) Math.sin(i * 0.01));
        }
        String id = "dev-7-000000000042";
        Frame f = block == 0 ? Frame.sample(pkg.manifest().id(), hash, 0, t, id, Instant.now(), values)
                : Frame.features(pkg.manifest().id(), hash, block, t, id, Instant.now(), values);
        try (FrameEncoder e = new FrameEncoder()) {
            frame = e.encode(f.encodedAs(Encoding.FP16, io.splitee.wire.Compression.NONE));
        }
        MqttMessage m = new MqttMessage(frame);
        m.setQos(1);
        MqttProperties props = new MqttProperties();
        props.setContentType(Frame.CONTENT_TYPE);
        props.setResponseTopic("splitee/dev-7/replies");
        props.setCorrelationData(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        MqttPublish p = new MqttPublish("splitee/dev-7/features", m, props);
        p.setMessageId(42);
        byte[] header = p.getHeader();
        int fixed = 1;
        while ((header[fixed] & 0x80) != 0) {
            fixed++;
        }
        fixed++; // the fixed header: type byte + remaining length; Paho's reader strips it too
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(header, fixed, header.length - fixed);
        byte[] payload = p.getPayload();
        body.write(payload, 0, payload.length);
        info = header[0];
        packet = body.toByteArray();
        copy = new byte[frame.length];
        decoder = new FrameDecoder(ModelCatalog.of(pkg.manifest().id(), hash, tensors), DecodeLimits.DEFAULT);
        tensor = ByteBuffer.allocateDirect(t.elementCount() * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        System.out.printf("%nblock %d: frame %d bytes, PUBLISH body %d bytes%n", block, frame.length, packet.length);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        decoder.close();
    }

    @Benchmark
    public byte[] pahoDecode() throws MqttException, java.io.IOException {
        return new MqttPublish(info, packet).getMessage().getPayload();
    }

    @Benchmark
    public byte[] bulkCopy() {
        System.arraycopy(packet, packet.length - frame.length, copy, 0, frame.length);
        return copy;
    }

    @Benchmark
    public FloatBuffer frameDecode() throws Exception {
        tensor.clear();
        decoder.decode(ByteBuffer.wrap(frame), n -> tensor);
        return tensor;
    }
}
