package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.model.ModelPackage;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as the service runs it: {@code java -Xmx64m -jar splitee-device.jar run}, stopped
 * with SIGTERM mid-stream and started again. Nothing is lost and nothing is answered twice.
 */
class DeviceProcessIT {
    static final Path JAR = Path.of("target/splitee-device.jar");

    @TempDir
    Path dir;

    Process startDevice(MosquittoBroker broker, Path log, String... extra) throws Exception {
        return startDeviceWith(broker, log, "final", extra);
    }

    /** The device with {@code policy} set, or with the default policy when {@code policy} is null. */
    Process startDeviceWith(MosquittoBroker broker, Path log, String policy, String... extra) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-jar", JAR.toString(), "run",
                "--set", "device.id=p1", "--set", "mqtt.uri=" + broker.uri(),
                "--set", "model.dir=" + DeviceDaemonIT.MODEL, "--set", "state.dir=" + dir.resolve("state"),
                "--set", "runtime.intra-op-threads=1", "--set", "queue.size=16",
                "--set", "shutdown.grace=20s"));
        if (policy != null) {
            cmd.addAll(List.of("--set", "policy=" + policy));
        }
        for (String e : extra) {
            cmd.addAll(List.of("--set", e));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until {@code p} serves, stops it (SIGTERM: it saves its state) and returns its log. */
    static String serveAndStop(Process p, Path log) throws Exception {
        try {
            awaitLog(p, log, "serving");
        } finally {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
        return Files.readString(log);
    }

    static void awaitLog(Process p, Path log, String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(text)) {
            assertTrue(p.isAlive(), "device died: " + Files.readString(log));
            assertTrue(System.nanoTime() < end, "no '" + text + "' within 60 s: " + Files.readString(log));
            Thread.sleep(100);
        }
    }

    /** A started clean-session publisher for p1's samples. */
    private static Transport startPublisher(MosquittoBroker broker) throws Exception {
        Transport publisher = Transport.mqtt(MqttSettings.builder("pub-p1", broker.uri()).cleanStart(true)
                .sessionExpiry(Duration.ZERO).build());
        publisher.start();
        return publisher;
    }

    /** Publishes shipped images 0..n-1 (cycling) to p1's sample topic at QoS 1, ids {@code prefix + i}. */
    private static void publishSamples(Transport publisher, FrameEncoder encoder, ModelPackage pkg, String prefix, int n)
            throws Exception {
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        TensorSpec in = pkg.manifest().input().tensor().spec();
        for (int i = 0; i < n; i++) {
            float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
            byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0, in, prefix + i, Instant.now(),
                    FloatBuffer.wrap(x)));
            publisher.publish(Outgoing.builder("splitee/p1/samples", frame).qos(1).contentType(Frame.CONTENT_TYPE)
                    .build()).get();
        }
    }

    /**
     * {@code state.save-every}: a device SIGKILLed after 250 answered samples, long before its first timed save
     * (the interval is an hour), restarts with at least the 200 outcomes its two saves by count held.
     */
    @Test
    void sigkillAfterNDecisionsRestoresThem() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build the jar first (mvn package): " + JAR.toAbsolutePath());
        ModelPackage pkg = ModelPackage.load(DeviceDaemonIT.MODEL);
        try (MosquittoBroker broker = MosquittoBroker.start();
             ResultCollector results = new ResultCollector(broker.uri(), "p1");
             FrameEncoder encoder = new FrameEncoder()) {
            Transport publisher = startPublisher(broker);
            Path log1 = dir.resolve("device-1.log");
            Process p = startDevice(broker, log1, "state.save-every=100", "state.save-interval=1h");
            try {
                awaitLog(p, log1, "serving");
                int n = 250;
                publishSamples(publisher, encoder, pkg, "k-", n);
                results.awaitDistinct(n, Duration.ofSeconds(120));
            } finally {
                p.destroyForcibly(); // SIGKILL: no save at shutdown
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                publisher.close();
            }
            Path log2 = dir.resolve("device-2.log");
            String out2 = serveAndStop(startDevice(broker, log2, "state.save-every=100", "state.save-interval=1h"), log2);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("restored engine state from \\S+: round (\\d+)")
                    .matcher(out2);
            assertTrue(m.find(), out2);
            long round = Long.parseLong(m.group(1));
            assertTrue(round >= 200 && round <= 250, "the state saved at 200 outcomes (or later), got round " + round);
        }
    }

    @Test
    void sigtermMidStreamLosesNothingAndExitsZero() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build the jar first (mvn package): " + JAR.toAbsolutePath());
        ModelPackage pkg = ModelPackage.load(DeviceDaemonIT.MODEL);
        try (MosquittoBroker broker = MosquittoBroker.start();
             ResultCollector results = new ResultCollector(broker.uri(), "p1");
             FrameEncoder encoder = new FrameEncoder()) {
            Transport publisher = startPublisher(broker);
            Path log1 = dir.resolve("device-1.log");
            Process p = startDevice(broker, log1);
            awaitLog(p, log1, "serving"); // its retained status says online
            int n = 300;
            ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
            TensorSpec in = pkg.manifest().input().tensor().spec();
            for (int i = 0; i < n; i++) {
                float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
                byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0, in, "t-" + i,
                        Instant.now(), FloatBuffer.wrap(x)));
                publisher.publish(Outgoing.builder("splitee/p1/samples", frame).qos(1)
                        .contentType(Frame.CONTENT_TYPE).build()).get();
                if (i == 100) {
                    p.destroy(); // SIGTERM while samples keep arriving
                }
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the device stops within its grace period");
            String out1 = Files.readString(log1);
            assertEquals(0, p.exitValue(), "a graceful stop exits 0:\n" + out1);
            assertTrue(out1.contains("stopped; state saved"), out1);
            assertTrue(Files.exists(dir.resolve("state/p1.state")), "state saved");

            // What the first run did not take stays with the broker and is answered after the restart.
            Path log2 = dir.resolve("device-2.log");
            Process p2 = startDevice(broker, log2);
            try {
                results.awaitDistinct(n, Duration.ofSeconds(120));
                Thread.sleep(500);
                assertEquals(List.of(), results.duplicates(), "no sample answered twice");
                assertEquals(n, results.byId.size());
            } finally {
                p2.destroy();
                assertTrue(p2.waitFor(60, TimeUnit.SECONDS));
                publisher.close();
            }
            assertEquals(0, p2.exitValue(), Files.readString(log2));
        }
    }

    /**
     * A device that saved its state under {@code policy=splitee-s} (the default until 2026-12-08) and restarts with
     * the new default, issue 14's {@code splitee-s:side=learned,detect=ph,refocus=0.1}: it says which policies differ
     * and how to keep the state, starts fresh and serves, and its save at shutdown replaces the old state (set back
     * to {@code splitee-s}, it starts fresh again, saying so). This is what a device without a {@code policy} key
     * sees after the upgrade that changed the default.
     */
    private static final String NEW_DEFAULT = io.splitee.device.config.DeviceConfig.PolicyConfig.DEFAULT_POLICY;

    @Test
    void stateSavedUnderAnotherPolicyStartsFreshAndSaysSo() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build the jar first (mvn package): " + JAR.toAbsolutePath());
        ModelPackage pkg = ModelPackage.load(DeviceDaemonIT.MODEL);
        String fresh = "saved state " + dir.resolve("state/p1.state") + " is for policy splitee-s but policy "
                + NEW_DEFAULT + " is configured; starting fresh "
                + "(the next save replaces it; set policy=splitee-s to keep learning from it)";
        try (MosquittoBroker broker = MosquittoBroker.start();
             ResultCollector results = new ResultCollector(broker.uri(), "p1");
             FrameEncoder encoder = new FrameEncoder()) {
            Transport publisher = startPublisher(broker);
            Path log1 = dir.resolve("device-1.log");
            Process p = startDeviceWith(broker, log1, "splitee-s");
            try {
                awaitLog(p, log1, "serving");
                publishSamples(publisher, encoder, pkg, "s-", 20);
                results.awaitDistinct(20, Duration.ofSeconds(120));
            } finally {
                p.destroy();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                publisher.close();
            }
            assertTrue(Files.readString(log1).contains("stopped; state saved"), Files.readString(log1));

            Path log2 = dir.resolve("device-2.log");
            String out2 = serveAndStop(startDeviceWith(broker, log2, NEW_DEFAULT), log2);
            assertTrue(out2.contains(fresh), out2);
            assertFalse(out2.contains("restored engine state"), out2);

            Path log3 = dir.resolve("device-3.log");
            String out3 = serveAndStop(startDeviceWith(broker, log3, "splitee-s"), log3);
            assertTrue(out3.contains("saved state ") && out3.contains(" is for policy "
                    + NEW_DEFAULT + " but policy splitee-s"), out3);
        }
    }
}
