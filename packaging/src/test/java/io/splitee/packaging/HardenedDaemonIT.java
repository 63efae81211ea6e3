package io.splitee.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.testenv.Tool;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.ResultParseException;
import io.splitee.wire.TensorSpec;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged device daemon (this machine's architecture) under the unit's restrictions that can be had
 * without systemd as PID 1 (restricted.sh: read-only file system but the state and cache directories, a
 * private /tmp, /proc without other users' processes, an unprivileged user with no capabilities and no new
 * privileges) with the unit's JAVA_OPTS: it answers samples of the real model from a real broker, saves its
 * state on SIGTERM and exits 0, and its peak resident size stays under the unit's MemoryMax.
 */
class HardenedDaemonIT {
    private static final int SAMPLES = 60;

    @TempDir
    Path tmp;

    @Test
    void answersSamplesUnderTheUnitsRestrictions() throws Exception {
        Assumptions.assumeTrue(Packages.isRoot(), "skipped: the restrictions (mount namespace, setpriv) need root");
        String arch = Packages.hostArch();
        Assumptions.assumeTrue(arch != null, "skipped: no package for " + System.getProperty("os.arch"));
        Command probe = Command.run(Tool.UNSHARE.path().toString(), "--mount", "sh", "-c",
                "mount --make-rprivate / && mount -t tmpfs tmpfs /mnt && mount -t proc -o hidepid=invisible proc /proc");
        Assumptions.assumeTrue(probe.exit() == 0, "skipped: this machine allows no private mount namespace: "
                + probe.output().strip());
        Path unit = SystemdUnitsIT.unit("device");
        String env = SystemdUnitsIT.value(unit, "Environment");
        List<String> javaOpts = Arrays.asList(env.substring("\"JAVA_OPTS=".length(), env.length() - 1).split(" "));

        Path root = tmp.resolve("root");
        Command.ok(Tool.DPKG_DEB.path().toString(), "-x", Packages.deb("splitee-device", arch).toString(), root.toString());
        Command.ok(Tool.DPKG_DEB.path().toString(), "-x", Packages.deb(Packages.MODEL_PACKAGE, "all").toString(),
                root.toString());
        Path script = tmp.resolve("restricted.sh");
        try (InputStream in = HardenedDaemonIT.class.getResourceAsStream("restricted.sh")) {
            Files.copy(in, script);
        }
        String java = Files.isExecutable(Path.of("/usr/bin/java")) ? "/usr/bin/java"
                : ProcessHandle.current().info().command().orElseThrow();

        try (MosquittoBroker broker = MosquittoBroker.start(); FrameEncoder encoder = new FrameEncoder()) {
            Path config = tmp.resolve("device.properties");
            String example = Files.readString(root.resolve("usr/share/splitee/device.example.properties"));
            Files.writeString(config, example.replace("device.id=cam1", "device.id=hard1")
                    .replace("mqtt.uri=tcp://localhost:1883", "mqtt.uri=" + broker.uri())
                    .replace("model.dir=/usr/share/splitee/models/", "model.dir=/mnt/splitee/models/"));
            List<String> cmd = new ArrayList<>(List.of(Tool.UNSHARE.path().toString(), "--mount", "sh",
                    script.toString(), root.toString(), config.toString(), java));
            cmd.addAll(javaOpts);
            cmd.addAll(List.of("-jar", "/mnt/splitee/splitee-device.jar", "run", "--config", "/mnt/splitee/device.properties"));
            Path log = tmp.resolve("device.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Map<String, ResultMessage> answers = new ConcurrentHashMap<>();
            List<String> unreadable = new java.util.concurrent.CopyOnWriteArrayList<>();
            Transport client = Transport.mqtt(MqttSettings.builder("hardened-it", broker.uri()).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).build());
            try {
                client.subscribe("splitee/hard1/results", 1, m -> {
                    try {
                        ResultMessage r = ResultCodec.parse(m.payload());
                        answers.put(r.sampleId(), r);
                    } catch (ResultParseException e) {
                        unreadable.add(e.getMessage());
                    }
                    client.ack(m);
                });
                client.start();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!Files.readString(log).contains("serving splitee/hard1/samples")) {
                    assertTrue(p.isAlive(), "the daemon died at start (exit " + (p.isAlive() ? "" : p.exitValue()) + "):\n"
                            + Files.readString(log));
                    assertTrue(System.nanoTime() < end, "the daemon did not start:\n" + Files.readString(log));
                    Thread.sleep(100);
                }
                Map<String, String> status = status(p.pid());
                assertEquals("65534", status.get("Uid").split("\\s+")[0], "runs as nobody");
                assertEquals("0000000000000000", status.get("CapEff"), "no capabilities");
                assertEquals("0000000000000000", status.get("CapBnd"), "empty bounding set");
                assertEquals("1", status.get("NoNewPrivs"));

                ModelPackage pkg = ModelPackage.load(Packages.MODEL);
                ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
                TensorSpec in = pkg.manifest().input().tensor().spec();
                for (int i = 0; i < SAMPLES; i++) {
                    float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
                    client.publish(Outgoing.builder("splitee/hard1/samples", encoder.encode(Frame.sample(
                            pkg.manifest().id(), hash, 0, in, "h-" + i, Instant.now(), FloatBuffer.wrap(x))))
                            .qos(1).contentType(Frame.CONTENT_TYPE).build()).get();
                }
                end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (answers.size() < SAMPLES && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertEquals(List.of(), unreadable);
                assertEquals(SAMPLES, answers.size(), "answers: " + answers.keySet() + "\n" + Files.readString(log));
                int correct = 0;
                for (int i = 0; i < SAMPLES; i++) {
                    ResultMessage r = answers.get("h-" + i);
                    // no gateway runs: an offloaded sample is finished on the device at its deadline (DEGRADED or OK)
                    assertTrue(r != null && r.prediction() != null, "h-" + i + ": " + r);
                    correct += r.prediction().classIndex() == pkg.samples().label(i) ? 1 : 0;
                }
                // the final exit reaches 92.36 % on the test set (models/README.md): the model's answers, not noise
                assertTrue(correct >= SAMPLES * 7 / 10, correct + " of " + SAMPLES + " correct");
                long peakKb = Long.parseLong(status(p.pid()).get("VmHWM").replace("kB", "").strip());
                long maxMb = Long.parseLong(SystemdUnitsIT.value(unit, "MemoryMax").replace("M", ""));
                System.out.println("HardenedDaemonIT: " + SAMPLES + " samples answered; peak resident size (VmHWM) "
                        + peakKb / 1024 + " MB; the unit's MemoryMax " + maxMb + " MB");
                assertTrue(peakKb / 1024 < maxMb, "peak resident size " + peakKb + " kB within MemoryMax=" + maxMb + "M");
            } finally {
                p.destroy(); // SIGTERM to the JVM itself: sh and setpriv exec'd into it
                client.close();
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stops within its grace period");
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), "a graceful stop exits 0:\n" + out);
            assertTrue(out.contains("state saved to /var/lib/splitee/hard1.state"), out);
            assertFalse(out.contains("cpuinfo"), "ONNX Runtime's CPU detection reads /proc/cpuinfo (no ProcSubset=pid):\n" + out);
        }
    }

    /** /proc/PID/status as key to value. */
    private static Map<String, String> status(long pid) throws Exception {
        Map<String, String> m = new ConcurrentHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return m;
    }
}
