package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.config.DeviceConfig;
import io.splitee.linkproxy.LinkProfile;
import io.splitee.linkproxy.LinkProxy;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.TensorSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import io.splitee.device.cost.CostEstimates;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live on the real broker with the link proxy between the device and the broker: the payload of an
 * offload (features after the block, or the raw sample) follows the link. The gateway here is a modest
 * one (3 ms per block, as another board would be). On loopback the int8 features after block 11
 * (~3.2 KB) win: the gateway runs one block instead of twelve (3 ms instead of 36). On a 250 kbit/s,
 * 150 ms link the raw sample (~0.9 KB) wins: the 2.3 KB it saves take ~75 ms to send. (One offload in ten sends
 * the other payload on purpose, to keep both estimates fresh: hence "at least 70 %".)
 */
class PayloadSwitchIT {
    @TempDir
    Path state;

    @Test
    void payloadFollowsTheLink() throws Exception {
        ModelPackage pkg = ModelPackage.load(DeviceDaemonIT.MODEL);
        try (MosquittoBroker broker = MosquittoBroker.start();
             LinkProxy link = LinkProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.port()),
                     LinkProfile.NONE);
             TestResponder gateway = new TestResponder(pkg, broker.uri(), "payload-gw", Duration.ofMillis(3));
             ResultCollector results = new ResultCollector(broker.uri(), "ps");
             FrameEncoder encoder = new FrameEncoder()) {
            Map<String, String> o = new HashMap<>();
            o.put("device.id", "ps");
            o.put("mqtt.uri", "tcp://127.0.0.1:" + link.port());
            o.put("model.dir", DeviceDaemonIT.MODEL.toString());
            o.put("state.dir", state.toString());
            o.put("runtime.intra-op-threads", "1");
            o.put("policy", "fixed:11");
            o.put("policy.threshold", "1.0");
            o.put("cost.mode", "measured");
            o.put("offload.payload", "auto");
            o.put("offload.encoding", "int8");
            o.put("offload.deadline", "3s");
            o.put("offload.probe-interval", "1h");
            try (DeviceDaemon daemon = DeviceDaemon.start(DeviceConfig.load(null, Map.of(), o));
                 Transport pub = Transport.mqtt(MqttSettings.builder("ps-pub", broker.uri()).cleanStart(true)
                         .sessionExpiry(Duration.ZERO).build())) {
                pub.start();
                ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
                TensorSpec in = pkg.manifest().input().tensor().spec();
                // the first CostEstimates.WARM_UP_OFFLOADS answered offloads are the peers' warm-up, not recorded
                phase(daemon, pub, pkg, encoder, hash, in, results, 0, CostEstimates.WARM_UP_OFFLOADS);
                int sent = CostEstimates.WARM_UP_OFFLOADS;
                double[] fast = phase(daemon, pub, pkg, encoder, hash, in, results, sent, 40);
                sent += 40;
                assertTrue(fast[0] >= 0.7 * fast[2], "on loopback the features win: " + describe(fast));

                link.setProfile(LinkProfile.CONSTRAINED);
                phase(daemon, pub, pkg, encoder, hash, in, results, sent, 15); // the estimates follow the link
                sent += 15;
                double[] slow = phase(daemon, pub, pkg, encoder, hash, in, results, sent, 25);
                sent += 25;
                assertTrue(slow[1] >= 0.7 * slow[2], "on a constrained link the raw sample wins: " + describe(slow));
                assertEquals(sent, results.byId.size());
            }
        }
    }

    private static String describe(double[] c) {
        return "features " + c[0] + ", raw " + c[1] + " of " + c[2] + " offloads";
    }

    /** Publishes {@code n} samples one at a time; returns {features, raw, total} offloads in this phase. */
    private static double[] phase(DeviceDaemon daemon, Transport pub, ModelPackage pkg, FrameEncoder encoder,
                                  ManifestHash hash, TensorSpec in, ResultCollector results, int from, int n)
            throws Exception {
        double f0 = count(daemon, "features");
        double r0 = count(daemon, "raw");
        for (int i = from; i < from + n; i++) {
            float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
            byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0, in, "ps-" + i, Instant.now(),
                    FloatBuffer.wrap(x)));
            pub.publish(Outgoing.builder("splitee/ps/samples", frame).contentType(Frame.CONTENT_TYPE).build()).get();
            results.awaitDistinct(i + 1, Duration.ofSeconds(30));
        }
        double f = count(daemon, "features") - f0;
        double r = count(daemon, "raw") - r0;
        return new double[] {f, r, f + r};
    }

    private static double count(DeviceDaemon d, String payload) {
        return d.metrics().registry().counter("splitee.device.offloads", "payload", payload).count();
    }
}
