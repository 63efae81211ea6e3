package io.splitee.device.daemon;

import io.splitee.device.config.DeviceConfig;
import io.splitee.metrics.MetricsEndpoint;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.testing.FakeSegmentRunner;
import io.splitee.testing.InMemoryTransport;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A device daemon on the in-memory transport and the fake runner (the real package's manifest, no
 * ONNX Runtime, no broker): sample {@code tag} is a frame whose first input float is the tag.
 */
final class DeviceHarness implements AutoCloseable {
    static final Path MODEL = Path.of(System.getProperty("splitee.model.dir", "../models/fmnist-resnet12"));
    static final String DEVICE = "u1";

    final ModelPackage pkg;
    final FakeSegmentRunner runner;
    final InMemoryTransport transport = new InMemoryTransport("splitee-device-" + DEVICE);
    final DeviceConfig config;
    final DeviceDaemon daemon;
    private final FrameEncoder encoder = new FrameEncoder();

    DeviceHarness(Path stateDir, Map<String, String> settings) throws Exception {
        this(stateDir, settings, r -> { });
    }

    DeviceHarness(Path stateDir, Map<String, String> settings, java.util.function.Consumer<FakeSegmentRunner> script)
            throws Exception {
        this(stateDir, settings, script, List.of());
    }

    /** {@code earlier}: the publishes the MQTT client's store reports as left by the process before this one. */
    DeviceHarness(Path stateDir, Map<String, String> settings, java.util.function.Consumer<FakeSegmentRunner> script,
                  List<Outgoing> earlier) throws Exception {
        transport.leftByEarlierProcess(earlier);
        pkg = ModelPackage.load(MODEL);
        int[] sizes = new int[pkg.depth() + 1];
        for (int i = 0; i <= pkg.depth(); i++) {
            sizes[i] = TensorSpec.float32(pkg.boundaryShape(i)).elementCount();
        }
        runner = new FakeSegmentRunner(pkg.labels().size(), sizes);
        script.accept(runner);
        Map<String, String> o = new HashMap<>();
        o.put("device.id", DEVICE);
        o.put("model.dir", MODEL.toString());
        o.put("state.dir", stateDir.toString());
        o.put("cost.mode", "paper");
        o.put("offload.encoding", "fp32");
        o.put("offload.probe-interval", "1h");
        o.put("shutdown.grace", "10s");
        o.putAll(settings);
        config = DeviceConfig.load(null, Map.of(), o);
        daemon = DeviceDaemon.start(config, pkg, runner, transport, new MetricsEndpoint());
    }

    byte[] frame(int tag, String id) {
        float[] x = new float[TensorSpec.float32(pkg.boundaryShape(0)).elementCount()];
        x[0] = tag;
        return encoder.encode(Frame.sample(pkg.manifest().id(), new ManifestHash(pkg.manifestSha256Bytes()), 0,
                TensorSpec.float32(pkg.boundaryShape(0)), id, Instant.now(), FloatBuffer.wrap(x)));
    }

    /** Delivers sample {@code tag} as frame {@code id} on the samples topic. */
    Incoming send(int tag, String id) {
        return transport.deliver(Outgoing.builder(config.samplesTopic(), frame(tag, id)).qos(1)
                .contentType(Frame.CONTENT_TYPE).build());
    }

    /** The results published so far. */
    List<ResultMessage> results() {
        return transport.published(config.resultsTopic()).stream().map(DeviceHarness::parse).toList();
    }

    /** Waits for {@code n} results. */
    List<ResultMessage> awaitResults(int n) throws Exception {
        return transport.awaitPublished(config.resultsTopic(), n, Duration.ofSeconds(10)).stream()
                .map(DeviceHarness::parse).toList();
    }

    static ResultMessage parse(Outgoing o) {
        try {
            return ResultCodec.parse(o.payload());
        } catch (io.splitee.wire.ResultParseException e) {
            throw new AssertionError("unreadable result: " + e.getMessage(), e);
        }
    }

    /** The one result of {@code id}; fails if there is none or more. */
    ResultMessage only(String id) {
        List<ResultMessage> l = results().stream().filter(r -> r.sampleId().equals(id)).toList();
        if (l.size() != 1) {
            throw new AssertionError(id + " has " + l.size() + " results: " + l);
        }
        return l.get(0);
    }

    /** The offloads published so far (probes included). */
    List<Outgoing> offloads() {
        return transport.published(config.featuresTopic());
    }

    /** Answers offload {@code frameMessage} as a gateway would: ok, class {@code cls} with C_L {@code c}. */
    void reply(Outgoing offload, int cls, double c) {
        reply(offload, DEVICE, pkg.manifest().id(), cls, pkg.labels().get(cls), pkg.depth(), c);
    }

    /** Answers offload {@code offload} with every field given (a forged or corrupted reply, for tests). */
    void reply(Outgoing offload, String device, String model, int cls, String label, int exit, double c) {
        String id = new String(offload.correlationData(), StandardCharsets.UTF_8);
        ResultMessage r = new ResultMessage(id, device, model, ResultMessage.Status.OK,
                new ResultMessage.Prediction(cls, label, c, exit),
                ResultMessage.Location.GATEWAY, 0, io.splitee.wire.Encoding.FP32, io.splitee.wire.Compression.NONE, c,
                new ResultMessage.Timings(null, null, Duration.ofMillis(1), null), null);
        replyBytes(offload, ResultCodec.toJson(r));
    }

    /** Delivers {@code payload} on the replies topic, correlated with {@code offload}. */
    void replyBytes(Outgoing offload, byte[] payload) {
        transport.deliver(new Incoming(config.repliesTopic(), payload, 1, false, false,
                Optional.of(ResultCodec.CONTENT_TYPE), Optional.empty(), offload.correlationData(), List.of(), 0));
    }

    double counter(String name, String... tags) {
        return daemon.metrics().registry().counter(name, tags).count();
    }

    @Override
    public void close() {
        daemon.close();
        encoder.close();
        transport.close();
    }
}
