package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.linkproxy.LinkProfile;
import io.splitee.linkproxy.LinkProxy;
import io.splitee.model.ModelPackage;
import io.splitee.model.TestPackages;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 5, live: a real device daemon with a drifting policy ({@value #POLICY}) and measured costs
 * offloads to a real gateway through the link proxy (device ↔ broker); mid-run the proxy's link drops from
 * loopback to 2 Mbit/s with a 400 ms round trip, and the split point follows.
 *
 * <p>The weights make the device's compute dear and the link cheap (0.5 units per device ms, 0.03 per link
 * ms, as a battery device that would rather radio than compute might set them), and every offload carries
 * the raw sample (one link estimate, the round trip, instead of two that {@code auto} would keep). On
 * loopback (a round trip of a few ms; the gateway's blocks about 0.1 ms each) an offload costs about 0.1
 * units and a full pass on the device about 0.65, so a shallow arm that offloads its unconfident samples is
 * best. Behind the slow link an offload costs at least 12 units (400 ms × 0.03), more than any reward; every
 * arm below 12 offloads at least 13% of the clean samples at α = 0.8 (exit 11: 13.4%, from the trace), so
 * each costs at least 1.6 units more in expectation than arm 12 saves in compute (about 0.05 per block): the
 * new best arm is 12, answered on the device. The link estimate follows the slow answers, the offloading
 * arms' rewards fall, the Page-Hinkley test fires and the statistics start over.
 *
 * <p>Samples go in at 40 per second without waiting for answers, as a camera would send them; the arm each
 * sample was played at is its result's split block. The rewards of an offload arrive a round trip late (16
 * samples at 400 ms), and a policy that explores after a reset plays offloading arms blind meanwhile; with
 * a 1 s round trip and 0.01 per link ms the play wandered for hundreds of samples after settling (seen
 * three times), so the link here is slow enough to decide and fast enough to answer. Measured: arm 12 in
 * 80% of 50 after 141, 211 and 135 samples (three runs), 188 to 197 of the last 200 at arm 12 (23–28 s on the
 * loaded 2-core VM).
 *
 * <p>Disabled for a while (2026-12-07): in fresh-clone CI runs the device reached arm 12 and drifted back to
 * shallow offloading arms. The cause was in the product, not in this test's weights: the device's per-block compute
 * estimates are averages of wall-clock times, and on the loaded 2-core machine a block whose thread is descheduled
 * measures a time slice (0.1 ms blocks measured at 2 to 60 ms, median 4.8 ms, in about 2% of the calls). One
 * such call raised a block's estimate fifteenfold, and a deep block's estimate is only measured again when a sample
 * computes that deep, so once the learner played a shallower arm the spike stayed, arm 12's on-device price stayed
 * up to ten times its cost, and offloading behind the slow link looked cheaper (with three busy loops the device never
 * reached arm 12: 4 of the last 200). The estimates now count a call as at most 4 times the block's estimate
 * ({@code CostEstimates.COMPUTE_SPIKE_CAP}); docs/results.md has the runs.
 */
class LinkChangeIT {

    static final String POLICY = "splitee-s:side=learned,detect=ph";
    static final int BEFORE = 300;
    static final int AFTER = 500;
    /** The adaptation window: the new best arm in at least 80% of the last WINDOW samples. */
    static final int WINDOW = 50;
    /** Samples after the change by which the device must have moved (measured: see docs/results.md). */
    static final int BOUND = 400;

    @Test
    void theSplitPointFollowsTheLink(@TempDir Path state) throws Exception {
        ModelPackage pkg = TestPackages.loadReal();
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        TensorSpec input = pkg.manifest().input().tensor().spec();
        String id = "linkchange";
        try (MosquittoBroker broker = MosquittoBroker.start();
             LinkProxy link = LinkProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.port()),
                     LinkProfile.NONE);
             AnswerCollector answers = new AnswerCollector(broker.uri());
             Gateway gateway = Gateway.start(TestGateways.config("lc-gw", broker.uri(), Map.of("workers", "1")));
             DeviceDaemon device = DeviceDaemon.start(EndToEndIT.device(id, "tcp://127.0.0.1:" + link.port(), state,
                     Map.of("policy", POLICY, "policy.threshold", "0.8", "cost.mode", "measured",
                             "cost.weight.device-ms", "0.5", "cost.weight.link-ms", "0.03",
                             "offload.payload", "raw", "offload.deadline", "5s", "offload.max-pending", "256")));
             FrameEncoder encoder = new FrameEncoder()) {
            Transport camera = Transport.mqtt(MqttSettings.builder("camera-" + System.nanoTime(), broker.uri())
                    .cleanStart(true).sessionExpiry(Duration.ZERO).maxInFlight(64).build());
            camera.start();
            try {
                send(camera, encoder, pkg, hash, input, id, 0, BEFORE);
                awaitResults(answers, id, 0, BEFORE);
                link.setProfile(new LinkProfile("slow", 2_000_000, Duration.ofMillis(400)));
                send(camera, encoder, pkg, hash, input, id, BEFORE, BEFORE + AFTER);
                awaitResults(answers, id, BEFORE, BEFORE + AFTER);
            } finally {
                camera.close();
            }
            int[] arm = new int[BEFORE + AFTER];
            for (int i = 0; i < arm.length; i++) {
                List<AnswerCollector.Answer> r = answers.results(id, id + "-" + i);
                assertEquals(1, r.size(), "one result for sample " + i);
                assertEquals(ResultMessage.Status.OK, r.get(0).message().status(), r.get(0).message().toString());
                arm[i] = r.get(0).message().splitBlock();
            }
            String trace = describe(arm);
            System.out.println("LinkChangeIT: " + trace);
            int deep = 0;
            for (int i = BEFORE - 100; i < BEFORE; i++) {
                deep += arm[i] >= pkg.depth() ? 1 : 0;
            }
            assertTrue(deep <= 30, "on loopback the device offloads early, not at arm 12 (" + deep
                    + " of the last 100 before the change at arm 12): " + trace);
            int moved = adaptation(arm, pkg.depth(), BEFORE);
            System.out.println("LinkChangeIT: arm " + pkg.depth() + " in 80% of the last " + WINDOW + " after " + moved
                    + " samples");
            assertTrue(moved > 0 && moved <= BOUND, "behind the slow link the device answers on the device (arm "
                    + pkg.depth() + ") in 80% of " + WINDOW + " within " + BOUND + " samples, took " + moved + ": " + trace);
            int tail = 0;
            for (int i = arm.length - 200; i < arm.length; i++) {
                tail += arm[i] == pkg.depth() ? 1 : 0;
            }
            assertTrue(tail >= 100, "and mostly stays there: " + tail + " of the last 200 at arm " + pkg.depth() + ": "
                    + trace);
            assertTrue(gateway.metrics().registry().counter("splitee.gateway.answers", "status", "ok").count() > 0);
        }
    }

    /** Samples after {@code from} until {@code best} was played in 80% of the last {@link #WINDOW}; -1: never. */
    static int adaptation(int[] arm, int best, int from) {
        int hits = 0;
        for (int s = from; s < arm.length; s++) {
            hits += arm[s] == best ? 1 : 0;
            if (s - WINDOW >= from) {
                hits -= arm[s - WINDOW] == best ? 1 : 0;
            }
            if (hits * 100 >= 80 * WINDOW) {
                return s + 1 - from;
            }
        }
        return -1;
    }

    /** The most played arm per 50 samples and its count, e.g. "0:1x31 50:1x40 ...". */
    static String describe(int[] arm) {
        StringBuilder b = new StringBuilder();
        for (int from = 0; from < arm.length; from += 50) {
            int[] n = new int[64];
            for (int s = from; s < Math.min(arm.length, from + 50); s++) {
                n[arm[s]]++;
            }
            int top = 0;
            for (int a = 1; a < n.length; a++) {
                top = n[a] > n[top] ? a : top;
            }
            b.append(from).append(':').append(top).append('x').append(n[top]).append(' ');
        }
        return b.toString().trim();
    }

    private static void send(Transport camera, FrameEncoder encoder, ModelPackage pkg, ManifestHash hash,
                             TensorSpec input, String id, int from, int to) throws Exception {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = from; i < to; i++) {
            long due = start + (i - from) * 25_000_000L; // 40 samples per second
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
            byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0, input, id + "-" + i, Instant.now(),
                    FloatBuffer.wrap(x)));
            sent.add(camera.publish(Outgoing.builder("splitee/" + id + "/samples", frame).qos(1)
                    .contentType(Frame.CONTENT_TYPE).build()));
        }
        CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get();
    }

    private static void awaitResults(AnswerCollector answers, String id, int from, int to) throws InterruptedException {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add(AnswerCollector.key("results", id, id + "-" + i));
        }
        answers.awaitAll(keys, Duration.ofSeconds(60));
    }
}
