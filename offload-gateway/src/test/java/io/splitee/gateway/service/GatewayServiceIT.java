package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.model.ModelPackage;
import io.splitee.model.TestPackages;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.posix.UnixDatagramListener;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's shaded jar as systemd runs it: a real Unix datagram socket in the abstract namespace bound here
 * stands for systemd's, named by {@code NOTIFY_SOCKET}, with {@code WATCHDOG_USEC} set. The gateway says
 * {@code READY=1}, its counts, {@code WATCHDOG=1} while its workers run and, after SIGTERM, {@code STOPPING=1}
 * last; its empty home stays empty.
 */
class GatewayServiceIT {
    @TempDir
    Path dir;

    @Test
    void notifiesReadyStatusWatchdogAndStoppingInOrder() throws Exception {
        assertTrue(Files.isRegularFile(GatewayProcessIT.JAR), "build the jar first (mvn package)");
        ModelPackage pkg = TestPackages.loadReal();
        Path home = Files.createDirectories(dir.resolve("home"));
        Path log = dir.resolve("gateway.log");
        String socket = "@splitee-gw-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (MosquittoBroker broker = MosquittoBroker.start();
             UnixDatagramListener systemd = UnixDatagramListener.bind(socket);
             AnswerCollector answers = new AnswerCollector(broker.uri());
             Frames frames = new Frames(pkg)) {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx256m", "-Duser.home=" + home, "-jar", GatewayProcessIT.JAR.toString(), "run"));
            TestGateways.base("s1", broker.uri()).forEach((k, v) -> {
                cmd.add("--set");
                cmd.add(k + "=" + v);
            });
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            b.environment().put("NOTIFY_SOCKET", socket);
            b.environment().put("WATCHDOG_USEC", "2000000");
            b.environment().put("HOME", home.toString());
            b.environment().remove("XDG_CACHE_HOME");
            b.environment().remove("ORT_DISABLE_TELEMETRY");
            b.environment().remove("WATCHDOG_PID");
            Process p = b.start();
            try {
                String ready = await(systemd, p, log, s -> s.startsWith("READY=1"), Duration.ofSeconds(60));
                assertEquals("READY=1\nSTATUS=serving: 0 frames, 0 answered, 0 overloaded, 0 queued, broker connected",
                        ready);
                Transport publisher = Transport.mqtt(MqttSettings.builder("pub-s1", broker.uri()).cleanStart(true)
                        .sessionExpiry(Duration.ZERO).build());
                publisher.start();
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    publisher.publish(Frames.offload("d", frames.frame(i, 2, Encoding.FP32, Compression.NONE, "x-" + i),
                            "x-" + i)).get();
                    keys.add(AnswerCollector.key("replies", "d", "x-" + i));
                }
                answers.awaitAll(keys, Duration.ofSeconds(60));
                publisher.close();
                await(systemd, p, log, s -> s.startsWith("STATUS=serving: 8 frames, 8 answered"), Duration.ofSeconds(20));
                while (systemd.received().stream().filter("WATCHDOG=1"::equals).count() < 2) {
                    await(systemd, p, log, "WATCHDOG=1"::equals, Duration.ofSeconds(10));
                }
            } finally {
                p.destroy(); // SIGTERM
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = Files.readString(log);
            assertEquals(0, p.exitValue(), out);
            while (systemd.receive(Duration.ofMillis(300)).isPresent()) {
                // drain
            }
            List<String> all = systemd.received();
            assertTrue(all.get(0).startsWith("READY=1\n"), all.toString());
            assertTrue(all.get(all.size() - 1).startsWith("STOPPING=1\nSTATUS=stopping: "), all.toString());
            assertEquals(1, all.stream().filter(s -> s.startsWith("STOPPING=1")).count(), all.toString());
            assertFalse(out.contains("ERROR") || out.contains("\tat "), out);
            try (Stream<Path> s = Files.list(home)) {
                assertEquals(List.of(), s.toList(), "nothing under the service user's home");
            }
        }
    }

    private static String await(UnixDatagramListener l, Process p, Path log, Predicate<String> which, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Optional<String> d = l.receive(Duration.ofMillis(200));
            if (d.isPresent() && which.test(d.get())) {
                return d.get();
            }
            assertTrue(p.isAlive() || d.isPresent(), "the gateway died: " + Files.readString(log));
        }
        throw new AssertionError("no such datagram within " + timeout + "; received " + l.received() + "; log: "
                + Files.readString(log));
    }
}
