package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.posix.UnixDatagramListener;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as systemd runs it ({@code Type=notify}, {@code WatchdogSec=}): a real Unix datagram socket
 * bound here stands where systemd's notification socket would be, named by {@code NOTIFY_SOCKET}, with
 * {@code WATCHDOG_USEC} set. The real daemon against the test Mosquitto and the real model says {@code READY=1},
 * its status with counts, {@code WATCHDOG=1} while its worker runs and, after SIGTERM, {@code STOPPING=1}, in that
 * order. Its home directory is an empty temporary one and stays empty: no ONNX Runtime telemetry files, no JNA
 * cache.
 */
class DeviceServiceIT {
    @TempDir
    Path dir;

    @Test
    void notifiesReadyStatusWatchdogAndStoppingInOrderAndWritesNothingUnderHome() throws Exception {
        assertTrue(Files.isRegularFile(DeviceProcessIT.JAR), "build the jar first (mvn package)");
        ModelPackage pkg = ModelPackage.load(DeviceDaemonIT.MODEL);
        Path home = Files.createDirectories(dir.resolve("home"));
        Path log = dir.resolve("device.log");
        try (MosquittoBroker broker = MosquittoBroker.start();
             UnixDatagramListener systemd = UnixDatagramListener.bind(dir.resolve("notify").toString());
             ResultCollector results = new ResultCollector(broker.uri(), "n1");
             FrameEncoder encoder = new FrameEncoder()) {
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder b = new ProcessBuilder(java, "-Xmx64m", "-Duser.home=" + home, "-jar",
                    DeviceProcessIT.JAR.toString(), "run", "--set", "device.id=n1", "--set", "mqtt.uri=" + broker.uri(),
                    "--set", "model.dir=" + DeviceDaemonIT.MODEL, "--set", "state.dir=" + dir.resolve("state"),
                    "--set", "policy=final", "--set", "runtime.intra-op-threads=1", "--set", "shutdown.grace=20s")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            b.environment().put("NOTIFY_SOCKET", systemd.address());
            b.environment().put("WATCHDOG_USEC", "2000000"); // a ping due every second
            b.environment().put("HOME", home.toString());
            b.environment().remove("XDG_CACHE_HOME");
            b.environment().remove("ORT_DISABLE_TELEMETRY");
            b.environment().remove("WATCHDOG_PID");
            Process p = b.start();
            try {
                String ready = awaitDatagram(systemd, p, log, s -> s.startsWith("READY=1"), Duration.ofSeconds(60));
                assertEquals("READY=1\nSTATUS=serving: 0 samples, 0 offloaded, gateway up", ready);
                assertTrue(Files.readString(log).contains("device n1 serving"), "ready once serving: " + Files.readString(log));

                Transport publisher = Transport.mqtt(MqttSettings.builder("pub-n1", broker.uri()).cleanStart(true)
                        .sessionExpiry(Duration.ZERO).build());
                publisher.start();
                int n = 20;
                ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
                TensorSpec in = pkg.manifest().input().tensor().spec();
                for (int i = 0; i < n; i++) {
                    float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
                    publisher.publish(Outgoing.builder("splitee/n1/samples", encoder.encode(Frame.sample(
                            pkg.manifest().id(), hash, 0, in, "s-" + i, Instant.now(), FloatBuffer.wrap(x))))
                            .qos(1).contentType(Frame.CONTENT_TYPE).build()).get();
                }
                results.awaitDistinct(n, Duration.ofSeconds(60));
                publisher.close();
                // no gateway runs here: the warm-up probes miss, so the line may say "fallback ... gateway down" (or
                // still "serving ... gateway up" before the third miss); either way the probes are not samples
                // offloaded
                awaitDatagram(systemd, p, log, s -> s.startsWith("STATUS=")
                        && s.contains(": 20 samples, 100% answered on device, 0 offloaded, gateway "), Duration.ofSeconds(20));
                while (count(systemd, "WATCHDOG=1") < 2) {
                    awaitDatagram(systemd, p, log, "WATCHDOG=1"::equals, Duration.ofSeconds(10));
                }
            } finally {
                p.destroy(); // SIGTERM, as systemctl stop sends
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stops within its grace");
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), out);
            while (systemd.receive(Duration.ofMillis(300)).isPresent()) {
                // drain what was sent before the exit
            }
            List<String> all = systemd.received();
            int stopping = indexOf(all, s -> s.startsWith("STOPPING=1\n"));
            assertEquals(all.size() - 1, stopping, "STOPPING=1 is the last message: " + all);
            int firstStatus = indexOf(all, s -> s.startsWith("STATUS="));
            int firstPing = indexOf(all, "WATCHDOG=1"::equals);
            assertTrue(all.get(0).startsWith("READY=1\n") && 0 < firstStatus && 0 < firstPing && firstStatus < stopping
                    && firstPing < stopping, "READY first, STATUS and WATCHDOG after it, STOPPING last: " + all);
            assertFalse(out.contains("ERROR") || out.contains("\tat "), out);
            assertTrue(out.contains("systemd watchdog every PT2S: pinged every PT1S"), out);
            try (Stream<Path> s = Files.list(home)) {
                assertEquals(List.of(), s.toList(), "nothing under the service user's home (ONNX Runtime telemetry, "
                        + "JNA's cache)");
            }
        }
    }

    /**
     * A 32-bit JVM on a Raspberry Pi reports {@code os.arch=arm}; here the property is set to that on an x86 or
     * arm64 JVM. ONNX Runtime itself would fail in a static initialiser with a stack trace.
     */
    @Test
    void aThirtyTwoBitArmJvmIsRefusedWithOneLineAndExitTwo() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Dos.arch=arm", "-jar", DeviceProcessIT.JAR.toString(), "run",
                "--set", "device.id=a32", "--set", "model.dir=" + DeviceDaemonIT.MODEL,
                "--set", "state.dir=" + dir.resolve("state")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        // the list of what the jar supports is read from the jar (a per-architecture build carries one)
        assertEquals(1, out.strip().lines().count(), "one line, no stack trace: " + out);
        assertTrue(out.startsWith("splitee-device run: ONNX Runtime has no native library for linux-arm (32-bit ARM); "
                + "this build supports linux-"), out);
        assertTrue(out.strip().endsWith("; SplitEE Edge needs a 64-bit OS (on a Raspberry Pi: Raspberry Pi OS 64-bit)"),
                out);
    }

    static String awaitDatagram(UnixDatagramListener l, Process p, Path log, Predicate<String> which, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Optional<String> d = l.receive(Duration.ofMillis(200));
            if (d.isPresent() && which.test(d.get())) {
                return d.get();
            }
            assertTrue(p.isAlive() || d.isPresent(), "the process died: " + Files.readString(log));
        }
        throw new AssertionError("no such datagram within " + timeout + "; received " + l.received() + "; log: "
                + Files.readString(log));
    }

    static long count(UnixDatagramListener l, String what) {
        return l.received().stream().filter(what::equals).count();
    }

    static int indexOf(List<String> all, Predicate<String> which) {
        for (int i = 0; i < all.size(); i++) {
            if (which.test(all.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
