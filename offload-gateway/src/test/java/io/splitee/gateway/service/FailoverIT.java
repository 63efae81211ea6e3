package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.splitee.device.daemon.DeviceDaemon;
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
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover: two real gateway processes (the shaded jar) in the shared group with the default
 * {@code mqtt.session-expiry}, a real device offloading every sample after block 1 at 50 samples/s (1 s deadline) over a real
 * Mosquitto. One gateway is killed with SIGKILL and not restarted. The broker routes part of the frames to its
 * session until that expires; the device keeps offloading (the other gateway answers) and finishes the lost
 * ones at their deadline. Measured: the time from the kill until the gateway's share of the answers is back
 * above 80 % of its healthy level for good. Every sample is answered once, none {@code overloaded}.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FailoverIT {
    private static final Path JAR = Path.of("target/splitee-gateway.jar");
    // 50/s and a 1 s deadline, not 100/s and 500 ms: on a 2-core machine loaded by other builds the lone survivor
    // once stalled past 500 ms three times in a row and the breaker (rightly) paused offloading; the failover
    // time is set by the dead session's expiry, not by the rate
    private static final int RATE = 50;
    private static final int HEALTHY_SECONDS = 6;
    private static final int AFTER_KILL_SECONDS = 14;

    @TempDir
    Path tmp;

    @Test
    void theSurvivingGatewayTakesTheWholeShareWithinSecondsOfTheOtherOnesDeath() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "the shaded jar " + JAR.toAbsolutePath() + " is missing: run mvn verify");
        ModelPackage pkg = TestPackages.loadReal();
        String device = "failover";
        int n = RATE * (HEALTHY_SECONDS + AFTER_KILL_SECONDS);
        List<Process> processes = new ArrayList<>();
        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(10_000).start();
             AnswerCollector answers = new AnswerCollector(broker.uri());
             FrameEncoder encoder = new FrameEncoder()) {
            Process a = launch(broker, "fa", tmp.resolve("a.log"), processes);
            Process b = launch(broker, "fb", tmp.resolve("b.log"), processes);
            Transport camera = Transport.mqtt(MqttSettings.builder("camera-failover", broker.uri()).maxInFlight(64)
                    .build());
            camera.start();
            long[] sentAt = new long[n];
            long killedAt = 0;
            try (DeviceDaemon daemon = DeviceDaemon.start(EndToEndIT.device(device, broker.uri(), tmp.resolve("state"),
                    Map.of("policy", "fixed:1", "policy.threshold", "1.0", "queue.size", "64",
                            "offload.deadline", "1s")))) {
                ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
                TensorSpec input = pkg.manifest().input().tensor().spec();
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long due = start + i * 1_000_000_000L / RATE;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (i == RATE * HEALTHY_SECONDS) {
                        b.destroyForcibly(); // SIGKILL, not restarted
                        assertTrue(b.waitFor(20, TimeUnit.SECONDS));
                        killedAt = System.nanoTime();
                    }
                    float[] x = pkg.manifest().input().normalise(pkg.samples().image(i % pkg.samples().count()));
                    byte[] frame = encoder.encode(Frame.sample(pkg.manifest().id(), hash, 0, input, device + "-" + i,
                            Instant.now(), FloatBuffer.wrap(x)));
                    sentAt[i] = System.nanoTime();
                    sent.add(camera.publish(Outgoing.builder("splitee/" + device + "/samples", frame).qos(1)
                            .contentType(Frame.CONTENT_TYPE).build()));
                }
                CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    keys.add(AnswerCollector.key("results", device, device + "-" + i));
                }
                answers.awaitAll(keys, Duration.ofSeconds(30));
                Thread.sleep(300);
                assertTrue(a.isAlive(), "the surviving gateway kept running");
            } finally {
                camera.close();
                processes.forEach(Process::destroyForcibly);
            }
            // the gateway's share per second of publishing
            int seconds = HEALTHY_SECONDS + AFTER_KILL_SECONDS;
            int[] total = new int[seconds];
            int[] byGateway = new int[seconds];
            int overloaded = 0;
            for (int i = 0; i < n; i++) {
                List<AnswerCollector.Answer> r = answers.results(device, device + "-" + i);
                assertEquals(1, r.size(), "one answer for sample " + i);
                ResultMessage m = r.get(0).message();
                overloaded += m.status() == ResultMessage.Status.OVERLOADED ? 1 : 0;
                int second = i / RATE;
                total[second]++;
                byGateway[second] += m.computedAt() == ResultMessage.Location.GATEWAY ? 1 : 0;
            }
            assertEquals(0, overloaded, "none refused");
            // healthy level: the seconds before the kill, past the first one (warm-up)
            int healthyGw = 0;
            int healthyAll = 0;
            for (int s = 1; s < HEALTHY_SECONDS; s++) {
                healthyGw += byGateway[s];
                healthyAll += total[s];
            }
            double healthy = (double) healthyGw / healthyAll;
            StringBuilder shares = new StringBuilder();
            int recoveredFrom = -1;
            for (int s = 0; s < seconds; s++) {
                double share = (double) byGateway[s] / total[s];
                shares.append(String.format(" %d%%", Math.round(100 * share)));
                if (s >= HEALTHY_SECONDS && share >= 0.8 * healthy) {
                    if (recoveredFrom < 0) {
                        recoveredFrom = s;
                    }
                } else if (s >= HEALTHY_SECONDS) {
                    recoveredFrom = -1;
                }
            }
            double killSecond = (killedAt - sentAt[0]) / 1e9;
            double recovery = recoveredFrom < 0 ? Double.NaN : recoveredFrom - killSecond;
            System.out.printf("failover: gateway share per second%s; healthy %.0f %%; one of two gateways killed at "
                    + "%.1f s; share back above 80 %% of healthy for good from second %d: %.1f s after the kill%n",
                    shares, 100 * healthy, killSecond, recoveredFrom, recovery);
            assertTrue(healthy > 0.5, "the gateways answer most offloads while both are up: " + shares);
            assertTrue(recoveredFrom >= 0 && recovery <= 10, "the survivor takes the whole share within 10 s of the "
                    + "kill; shares per second:" + shares);
        }
    }

    private static Process launch(MosquittoBroker broker, String id, Path log, List<Process> processes)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-jar", JAR.toString(), "run"));
        TestGateways.base(id, broker.uri()).forEach((k, v) -> {
            cmd.add("--set");
            cmd.add(k + "=" + v);
        });
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(p);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (text.contains("gateway " + id + " serving")) {
                return p;
            }
            if (!p.isAlive()) {
                fail("gateway " + id + " exited with " + p.exitValue() + ": " + text);
            }
            Thread.sleep(50);
        }
        fail("gateway " + id + " did not start within 60 s");
        return p;
    }
}
