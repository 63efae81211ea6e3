package io.splitee.device.daemon;

import io.splitee.model.ModelPackage;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal gateway for the device's integration tests (the real gateway is its own module): it
 * completes inference with the real runner from split-core and answers on the frame's response topic.
 * It remembers every tensor it decoded so a test can compare it with what the device computed.
 */
final class TestResponder implements AutoCloseable {
    private final ModelPackage pkg;
    private final SegmentRunner runner;
    private final FrameDecoder decoder;
    private final Transport transport;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-responder"));
    final Map<String, float[]> received = new ConcurrentHashMap<>();
    final Map<String, Integer> receivedBlock = new ConcurrentHashMap<>();
    final AtomicInteger answered = new AtomicInteger();
    private final Duration perBlockDelay;

    TestResponder(ModelPackage pkg, String brokerUri, String clientId) throws Exception {
        this(pkg, brokerUri, clientId, Duration.ZERO);
    }

    /**
     * @param perBlockDelay added to the compute of every block, to emulate a gateway on slower hardware
     *                      (another board rather than a server); it shows in the reported gateway time
     */
    TestResponder(ModelPackage pkg, String brokerUri, String clientId, Duration perBlockDelay) throws Exception {
        this.pkg = pkg;
        this.perBlockDelay = perBlockDelay;
        this.runner = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(1).withFused(false));
        List<TensorSpec> tensors = new ArrayList<>();
        for (int b = 0; b <= runner.depth(); b++) {
            tensors.add(TensorSpec.float32(pkg.boundaryShape(b)));
        }
        this.decoder = new FrameDecoder(ModelCatalog.of(pkg.manifest().id(),
                new ManifestHash(pkg.manifestSha256Bytes()), tensors));
        this.transport = Transport.mqtt(MqttSettings.builder(clientId, brokerUri).cleanStart(true)
                .sessionExpiry(Duration.ZERO).build());
        transport.subscribe("$share/test-gateways/splitee/+/features", 1, m -> worker.execute(() -> answer(m)));
        transport.start();
    }

    private void answer(Incoming m) {
        try {
            Frame f = decoder.decode(m.payload());
            received.put(f.sampleId(), f.toArray());
            receivedBlock.put(f.sampleId(), f.block());
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
            if (!perBlockDelay.isZero()) {
                Thread.sleep(perBlockDelay.toMillis() * (depth - from + 1));
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (FrameException e) {
            throw new AssertionError("the device sent a frame the responder cannot decode: " + e.getMessage(), e);
        } finally {
            transport.ack(m);
        }
    }

    @Override
    public void close() throws InterruptedException {
        transport.close();
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
        decoder.close();
        runner.close();
    }
}
