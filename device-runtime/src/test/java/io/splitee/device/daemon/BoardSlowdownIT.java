package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.splitee.device.config.DeviceConfig;
import io.splitee.metrics.MetricsEndpoint;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.Outgoing;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.testing.InMemoryTransport;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runtime.board-slowdown}: two daemons on the real model and ONNX Runtime (the in-memory transport: no
 * broker is needed to time compute), one as this machine and one emulating a board {@value #F} times slower, fed
 * the same samples in turn. Asserted: the emulated board really waits, that is every answer's device compute (F
 * times the calls' measured time, {@code ComputeSlowdownTest}) fits in the time the test waited for that answer;
 * without the wait it would be F times the calls while the answer came after one. Printed, not asserted: the ratio
 * of the two daemons' block gauges and per-sample compute. Those compare two processes' own ONNX calls, which on a
 * shared 2-core machine differ by more than the ±15 % once asserted here: ×3.63 to ×4.55 over all blocks and
 * ×4.11 to ×4.71 per sample in four runs (the emulated board's calls run after a park, on cold caches), and
 * block by block ×2.81 to ×5.63.
 */
class BoardSlowdownIT {
    private static final double F = 4;
    private static final int SAMPLES = 150;
    private static final int WARMUP = 30;

    @TempDir
    Path temp;

    @Test
    void theEmulatedBoardReallyWaitsWhatItRecords() throws Exception {
        ModelPackage pkg = ModelPackage.load(DeviceHarness.MODEL);
        try (Device none = new Device(pkg, temp.resolve("none"), 1); Device slow = new Device(pkg, temp.resolve("slow"), F)) {
            assertEquals(F, slow.config.model().boardSlowdown());
            int depth = pkg.depth();
            double[][] ratios = new double[depth + 1][SAMPLES - WARMUP];
            double[][] compute = new double[2][SAMPLES - WARMUP];
            for (int i = 0; i < SAMPLES; i++) {
                double n0 = none.send(i);
                double s0 = slow.send(i);
                assertTrue(s0 <= slow.lastWaitMs, "sample " + i + ": device compute " + s0 + " ms reported, the answer "
                        + "came " + slow.lastWaitMs + " ms after the sample: the emulated board did not wait");
                assertTrue(s0 > 0 && n0 > 0, "sample " + i + ": no device compute reported");
                if (i >= WARMUP) {
                    compute[0][i - WARMUP] = n0;
                    compute[1][i - WARMUP] = s0;
                }
                if (i >= WARMUP) {
                    double n = 0;
                    double s = 0;
                    for (int b = 1; b <= depth; b++) {
                        ratios[b][i - WARMUP] = slow.blockMs(b) / none.blockMs(b);
                        n += none.blockMs(b);
                        s += slow.blockMs(b);
                    }
                    ratios[0][i - WARMUP] = s / n;
                }
            }
            StringBuilder seen = new StringBuilder();
            double[] median = new double[depth + 1];
            for (int b = 0; b <= depth; b++) {
                double[] r = ratios[b].clone();
                Arrays.sort(r);
                median[b] = r[r.length / 2];
                seen.append(String.format(Locale.ROOT, " %s ×%.2f", b == 0 ? "all blocks" : "block " + b, median[b]));
            }
            Arrays.sort(compute[0]);
            Arrays.sort(compute[1]);
            int p10 = compute[0].length / 10;
            seen.append(String.format(Locale.ROOT, "; per sample p10 %.3f / %.3f ms (×%.2f), median ×%.2f",
                    compute[0][p10], compute[1][p10], compute[1][p10] / compute[0][p10],
                    compute[1][compute[0].length / 2] / compute[0][compute[0].length / 2]));
            System.out.println("board slowdown ×" + F + ":" + seen);
        }
    }

    /** A daemon on its own ONNX Runtime session, policy {@code final} (every block on every sample). */
    private static final class Device implements AutoCloseable {
        final DeviceConfig config;
        final InMemoryTransport transport = new InMemoryTransport("splitee-device-board");
        final DeviceDaemon daemon;
        final ModelPackage pkg;
        private final FrameEncoder encoder = new FrameEncoder();
        private int answered;
        /** The time from delivering the last sample to seeing its answer, ms. */
        double lastWaitMs;

        Device(ModelPackage pkg, Path state, double slowdown) throws Exception {
            this.pkg = pkg;
            Map<String, String> o = new HashMap<>();
            o.put("device.id", "b" + (int) slowdown);
            o.put("model.dir", DeviceHarness.MODEL.toString());
            o.put("state.dir", state.toString());
            o.put("policy", "final");
            o.put("cost.mode", "paper");
            o.put("runtime.intra-op-threads", "1");
            o.put("runtime.board-slowdown", Double.toString(slowdown));
            o.put("shutdown.grace", "10s");
            config = DeviceConfig.load(null, Map.of(), o);
            daemon = DeviceDaemon.start(config, pkg, OrtSegmentRunner.open(pkg, RunnerConfig.defaults()
                    .withIntraOpThreads(1).withFused(false)), transport, new MetricsEndpoint());
        }

        /** Sends sample {@code i} and waits for its answer; the device compute it reports, ms. */
        double send(int i) throws Exception {
            TensorSpec spec = TensorSpec.float32(pkg.boundaryShape(0));
            float[] x = new float[spec.elementCount()];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) Math.sin(0.01 * k + i);
            }
            byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), new ManifestHash(pkg.manifestSha256Bytes()),
                    0, spec, "s" + i, Instant.now(), FloatBuffer.wrap(x)));
            long t0 = System.nanoTime();
            transport.deliver(Outgoing.builder(config.samplesTopic(), frame).qos(1).contentType(Frame.CONTENT_TYPE).build());
            answered++;
            List<Outgoing> out = transport.awaitPublished(config.resultsTopic(), answered, Duration.ofSeconds(10));
            lastWaitMs = (System.nanoTime() - t0) / 1e6;
            return DeviceHarness.parse(out.get(answered - 1)).timings().deviceCompute().toNanos() / 1e6;
        }

        double blockMs(int b) {
            Gauge g = daemon.metrics().registry().find("splitee.device.cost.block.ms").tag("block", Integer.toString(b))
                    .gauge();
            return g.value();
        }

        @Override
        public void close() {
            daemon.close();
        }
    }
}
