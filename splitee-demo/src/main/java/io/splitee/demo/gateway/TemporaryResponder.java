package io.splitee.demo.gateway;

import io.splitee.model.ModelPackage;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.SegmentRunner;
import io.splitee.onnx.Softmax;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.FrameException;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ModelCatalog;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEMPORARY — remove when the offload gateway ({@code io.splitee.gateway}) lands. A copy of the
 * logic of the device's test responder ({@code device-runtime/src/test/.../TestResponder.java}):
 * one worker thread takes frames from the shared subscription {@code $share/splitee-demo-gateways/splitee/+/features},
 * runs the remaining blocks and the final exit with the real runner, and answers on the frame's
 * response topic. No batching, no load shedding, no metrics: that is the real gateway's job.
 */
final class TemporaryResponder implements GatewayLauncher.RunningGateway {
    private static final Logger LOG = LoggerFactory.getLogger(TemporaryResponder.class);

    private final ModelPackage pkg;
    private final SegmentRunner runner;
    private final FrameDecoder decoder;
    private final Transport transport;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "splitee-demo-gateway");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong answered = new AtomicLong();
    private boolean closed;

    private TemporaryResponder(ModelPackage pkg, SegmentRunner runner, String brokerUri) {
        this.pkg = pkg;
        this.runner = runner;
        List<TensorSpec> tensors = new ArrayList<>();
        tensors.add(TensorSpec.float32(pkg.manifest().input().tensor().shape()));
        for (int i = 1; i <= runner.depth(); i++) {
            tensors.add(TensorSpec.float32(pkg.manifest().block(i).output().shape()));
        }
        this.decoder = new FrameDecoder(ModelCatalog.of(pkg.manifest().id(),
                new ManifestHash(pkg.manifestSha256Bytes()), tensors));
        this.transport = Transport.mqtt(MqttSettings.builder("splitee-demo-gateway-" + ProcessHandle.current().pid(),
                brokerUri).cleanStart(true).sessionExpiry(Duration.ZERO).build());
    }

    static TemporaryResponder start(ModelPackage pkg, String brokerUri) throws Exception {
        SegmentRunner runner = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(1).withFused(false));
        TemporaryResponder r = new TemporaryResponder(pkg, runner, brokerUri);
        try {
            r.warmUp();
            // Acknowledged on receipt: HiveMQ CE sends a client nothing more while a QoS 1 message to it is
            // unacknowledged, so acknowledging after the answer would serialise the gateway's intake.
            r.transport.subscribe("$share/splitee-demo-gateways/splitee/+/features", 1, m -> {
                r.transport.ack(m);
                r.worker.execute(() -> r.answer(m));
            });
            r.transport.start();
        } catch (Exception | Error e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** One pass through every block and the final exit, so the first offload does not pay for ONNX's warm-up. */
    private void warmUp() {
        FloatBuffer in = FloatBuffer.allocate(runner.activationSize(0));
        FloatBuffer out = FloatBuffer.allocate(runner.activationSize(runner.depth()));
        runner.runBlocks(1, runner.depth(), in, out);
        runner.runExit(runner.depth(), out, new float[runner.classes()]);
    }

    private void answer(Incoming m) {
        try {
            Frame f = decoder.decode(m.payload());
            int from = f.block() + 1;
            int depth = runner.depth();
            long t0 = System.nanoTime();
            FloatBuffer in = FloatBuffer.wrap(f.toArray());
            FloatBuffer out = FloatBuffer.allocate(runner.activationSize(depth));
            if (from <= depth) {
                runner.runBlocks(from, depth, in, out);
            } else {
                out = in;
            }
            float[] logits = new float[runner.classes()];
            runner.runExit(depth, out, logits);
            long dt = System.nanoTime() - t0;
            int cls = Softmax.argmax(logits);
            double conf = Softmax.maxProbability(logits);
            String device = m.topic().split("/")[1];
            ResultMessage r = new ResultMessage(f.sampleId(), device, pkg.manifest().id(), ResultMessage.Status.OK,
                    new ResultMessage.Prediction(cls, pkg.labels().get(cls), conf, depth),
                    ResultMessage.Location.GATEWAY, f.deviceExitBlock(), f.encoding(), f.compression(), conf,
                    new ResultMessage.Timings(null, null, Duration.ofNanos(dt), null), null);
            transport.publish(Outgoing.builder(m.responseTopic().orElse("splitee/" + device + "/results"),
                    ResultCodec.toJson(r)).qos(1).contentType(ResultCodec.CONTENT_TYPE)
                    .correlationData(m.correlationData()).build());
            answered.incrementAndGet();
        } catch (FrameException e) {
            LOG.warn("frame on {} not understood: {}", m.topic(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("offload on {} not completed: {}", m.topic(), e.toString());
        }
    }

    @Override
    public long answered() {
        return answered.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        transport.close();
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        decoder.close();
        runner.close();
    }
}
