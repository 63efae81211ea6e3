package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultMessage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device jar on arm64: Debian's arm64 Java 17 under {@code qemu-aarch64 -cpu cortex-a72} (a
 * Raspberry Pi 4's CPU; {@link Arm64Jvm}), with ONNX Runtime's linux-aarch64 library from the jar, against
 * the same jar on this machine's Java. {@code simulate} prints the same bytes; the daemon, against a real
 * Mosquitto with the real model, answers every sample once, with the labels, exits and confidences x86
 * publishes (within {@value #TOLERANCE}).
 *
 * <p>Both daemons run policy {@code early-exit} (everything on the device, no gateway, nothing learned),
 * so every answer is a function of the sample and the model alone, and the answers exercise several
 * exits. Both JVMs get the systemd unit's options ({@link #JVM_OPTIONS}).
 */
class Arm64EmulationIT {
    static final Path JAR = DeviceProcessIT.JAR;
    /**
     * The systemd unit's heap (sized and pre-touched at start), collector and JIT level
     * (systemd/splitee-device.service, JAVA_OPTS).
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    static final int SAMPLES = 60;
    static final double TOLERANCE = 1e-5;
    /** Under emulation the daemon is serving after about 25 s on 2 cores; generous for a loaded CI machine. */
    static final Duration START = Duration.ofMinutes(3);
    static final Duration ANSWERS = Duration.ofMinutes(4);

    static Arm64Jvm arm64;

    @TempDir
    Path dir;

    /** Before each test (not once before all), so that a skip is reported per test, as skipped. */
    @BeforeEach
    void findJvm() {
        if (arm64 == null) {
            arm64 = Arm64Jvm.find();
        }
        assertTrue(Files.isRegularFile(JAR), "build the jar first (mvn package): " + JAR.toAbsolutePath());
    }

    /** The unit's options, and a crash report (hs_err) in the test's folder rather than the module's. */
    List<String> jvmOptions() {
        List<String> l = new ArrayList<>(JVM_OPTIONS);
        l.add("-XX:ErrorFile=" + dir.toAbsolutePath().resolve("hs_err_%p.log"));
        return l;
    }

    List<String> x86(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions());
        cmd.addAll(args);
        return cmd;
    }

    static List<String> jar(String... args) {
        List<String> l = new ArrayList<>(List.of("-jar", JAR.toString()));
        l.addAll(List.of(args));
        return l;
    }

    /** Runs {@code cmd} to its end; its standard output, after checking it exited 0. */
    String output(List<String> cmd, String name) throws Exception {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), name + " did not finish in 5 minutes: " + cmd);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), name + " failed: " + cmd + "\n" + Files.readString(err));
        return Files.readString(out);
    }

    @Test
    void simulatePrintsTheSameBytesAsX86() throws Exception {
        Path model = DeviceDaemonIT.MODEL;
        String[][] cases = {
            {"simulate", "--trace", model.resolve("traces/clean.csv.gz").toString(), "--policy", "splitee-s",
                "--lambda", "0.01", "--offload-cost", "0.1", "--threshold", "0.8", "--json"},
            {"simulate", "--trace", model.resolve("traces/noise-0.2.csv.gz").toString(), "--policy", "splitee-s",
                "--cost-profile", model.resolve("profiles/x86-vm.json").toString(), "--link", "lte",
                "--threshold", "0.8", "--ucb-c", "1", "--json"},
        };
        for (int i = 0; i < cases.length; i++) {
            String x86 = output(x86(jar(cases[i])), "simulate-x86-" + i);
            String arm = output(arm64.java(jvmOptions(), jar(cases[i])), "simulate-arm64-" + i);
            assertTrue(x86.contains("\"policy\""), x86);
            assertEquals(x86, arm, "simulate " + String.join(" ", cases[i]) + " on arm64 (" + arm64 + ")");
        }
    }

    @Test
    void daemonAnswersEverySampleOnceAsX86Does() throws Exception {
        ModelPackage pkg = ModelPackage.load(DeviceDaemonIT.MODEL);
        Map<String, ResultMessage> x86;
        Map<String, ResultMessage> arm;
        try (MosquittoBroker broker = MosquittoBroker.start();
             FrameEncoder encoder = new FrameEncoder()) {
            Transport publisher = Transport.mqtt(MqttSettings.builder("pub-arm64", broker.uri()).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).build());
            publisher.start();
            try {
                x86 = answers(broker, publisher, encoder, pkg, "x86", x86(jar()));
                arm = answers(broker, publisher, encoder, pkg, "arm64", arm64.java(jvmOptions(), jar()));
            } finally {
                publisher.close();
            }
        }
        double maxDiff = 0;
        Map<Integer, Integer> exits = new TreeMap<>();
        for (Map.Entry<String, ResultMessage> e : x86.entrySet()) {
            ResultMessage a = e.getValue();
            ResultMessage b = arm.get(e.getKey());
            String what = "sample " + e.getKey() + ": x86 " + a + "\narm64 " + b;
            assertEquals(ResultMessage.Status.OK, a.status(), what);
            assertEquals(ResultMessage.Status.OK, b.status(), what);
            assertEquals(ResultMessage.Location.DEVICE, b.computedAt(), what);
            assertEquals(a.prediction().classIndex(), b.prediction().classIndex(), what);
            assertEquals(a.prediction().label(), b.prediction().label(), what);
            assertEquals(a.prediction().exit(), b.prediction().exit(), what);
            assertEquals(a.splitBlock(), b.splitBlock(), what);
            double d = Math.abs(a.prediction().confidence() - b.prediction().confidence());
            if (a.finalExitConfidence() == null) {
                assertNull(b.finalExitConfidence(), what);
            } else {
                assertNotNull(b.finalExitConfidence(), what);
                d = Math.max(d, Math.abs(a.finalExitConfidence() - b.finalExitConfidence()));
            }
            assertTrue(d <= TOLERANCE, "|x86 - arm64| = " + d + " > " + TOLERANCE + ", " + what);
            maxDiff = Math.max(maxDiff, d);
            exits.merge(a.prediction().exit(), 1, Integer::sum);
        }
        assertTrue(exits.size() > 1, "the samples exercise more than one exit: " + exits);
        System.out.printf("Arm64EmulationIT: %d samples answered alike on x86 and arm64 (%s), answers by exit %s,"
                + " max |confidence difference| %.3g%n", x86.size(), arm64, exits, maxDiff);
    }

    /**
     * Starts the device jar with {@code java} as device {@code id}, sends it the first {@link #SAMPLES}
     * samples of the model package once it serves, and stops it (SIGTERM) when each has one answer.
     */
    Map<String, ResultMessage> answers(MosquittoBroker broker, Transport publisher, FrameEncoder encoder,
                                       ModelPackage pkg, String id, List<String> java) throws Exception {
        Path log = dir.resolve(id + ".log");
        List<String> cmd = new ArrayList<>(java);
        cmd.addAll(List.of("run", "--set", "device.id=" + id, "--set", "mqtt.uri=" + broker.uri(),
                "--set", "model.dir=" + DeviceDaemonIT.MODEL, "--set", "state.dir=" + dir.resolve("state-" + id),
                "--set", "policy=early-exit", "--set", "runtime.intra-op-threads=1",
                "--set", "queue.size=" + SAMPLES, "--set", "shutdown.grace=60s"));
        long t0 = System.nanoTime();
        try (ResultCollector results = new ResultCollector(broker.uri(), id)) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long end = System.nanoTime() + START.toNanos();
                while (!Files.readString(log).contains("serving")) {
                    assertTrue(p.isAlive(), id + " daemon died at start: " + cmd + "\n" + Files.readString(log));
                    assertTrue(System.nanoTime() < end, id + " daemon not serving after " + START + ":\n" + tail(log));
                    Thread.sleep(200);
                }
                long serving = System.nanoTime();
                ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
                for (int i = 0; i < SAMPLES; i++) {
                    float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
                    byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0,
                            pkg.manifest().input().tensor().spec(), "s-" + i, Instant.now(), FloatBuffer.wrap(x)));
                    publisher.publish(Outgoing.builder("splitee/" + id + "/samples", frame).qos(1)
                            .contentType(Frame.CONTENT_TYPE).build()).get();
                }
                results.awaitDistinct(SAMPLES, ANSWERS);
                long answered = System.nanoTime();
                p.destroy(); // SIGTERM, as systemd stops it
                assertTrue(p.waitFor(2, TimeUnit.MINUTES), id + " daemon did not stop:\n" + tail(log));
                assertEquals(0, p.exitValue(), id + " daemon's exit status:\n" + tail(log));
                assertEquals(List.of(), results.duplicates(), id + ": no sample answered twice");
                assertEquals(List.of(), results.unreadable, id + ": every answer parses");
                assertEquals(SAMPLES, results.byId.size(), id + ": " + results.byId.keySet());
                System.out.printf("Arm64EmulationIT: %s daemon serving after %.1f s, %d answers in %.1f s%n", id,
                        (serving - t0) / 1e9, SAMPLES, (answered - serving) / 1e9);
                Map<String, ResultMessage> byId = new TreeMap<>();
                results.byId.forEach((k, v) -> byId.put(k, results.only(k)));
                return byId;
            } finally {
                p.destroyForcibly();
            }
        }
    }

    static String tail(Path log) throws IOException {
        String s = Files.readString(log);
        return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }
}
