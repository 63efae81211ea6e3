package io.splitee.bench;

import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.FrameException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frame encode and decode throughput per encoding, for the tensor sizes of the shipped model:
 * block 0 is the raw sample [1,28,28], blocks 4 / 8 / 12 stand for the three stages
 * ([16,28,28], [32,14,14], [64,7,7]). Data: {@link WireData}'s seeded post-ReLU imitation.
 * Operations per second times the tensor's fp32 size gives MB/s (docs/benchmarks.md). Decoding
 * validates fully against a catalog and writes into a direct native-order buffer, as the gateway
 * will for ONNX Runtime.
 *
 * <p>Run: {@code java -jar benchmarks/target/splitee-benchmarks.jar WireBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class WireBenchmark {

    @Param({"0", "4", "8", "12"})
    public int block;

    @Param({"FP32", "FP16", "INT8", "INT8_PER_CHANNEL"})
    public Encoding encoding;

    @Param({"NONE", "DEFLATE"})
    public Compression compression;

    private FrameEncoder encoder;
    private FrameDecoder decoder;
    private Frame frame;
    private byte[] wire;
    private FloatBuffer destination;
    private IntFunction<FloatBuffer> toDestination;

    @Setup(Level.Trial)
    public void setUp() {
        encoder = new FrameEncoder();
        decoder = new FrameDecoder(WireData.catalog());
        float[] values = WireData.tensor(block, 42 + block);
        FloatBuffer data = FloatBuffer.wrap(values);
        Instant t = Instant.parse("2026-11-28T12:00:00Z");
        frame = (block == 0
                ? Frame.sample(WireData.MODEL_ID, WireData.HASH, 0, WireData.spec(0), "cam1-000123", t, data)
                : Frame.features(WireData.MODEL_ID, WireData.HASH, block, WireData.spec(block), "cam1-000123", t, data))
                .encodedAs(encoding, compression);
        wire = encoder.encode(frame);
        destination = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        toDestination = n -> destination.clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoder.close();
        decoder.close();
    }

    /** Device side then gateway side: what one offloaded tensor costs in CPU. */
    @Benchmark
    public Frame encodeDecode() throws FrameException {
        return decoder.decode(ByteBuffer.wrap(encoder.encode(frame)), toDestination);
    }

    /** Device side only. */
    @Benchmark
    public byte[] encode() {
        return encoder.encode(frame);
    }

    /** Gateway side only (validation included). */
    @Benchmark
    public Frame decode() throws FrameException {
        return decoder.decode(ByteBuffer.wrap(wire), toDestination);
    }
}
