package io.splitee.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as a user runs it: {@code java -jar splitee-demo/target/splitee-demo.jar demo}. */
class ShadedJarIT {
    static final Path JAR = Path.of("target", "splitee-demo.jar");

    @TempDir
    Path dir;

    record Run(int code, String out) {
    }

    Run java(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("out-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void runsTheDemoFromTheJar() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "built by mvn package: " + JAR.toAbsolutePath());
        Path out = dir.resolve("report");
        Run r = java("demo", "--samples", "60", "--rate", "200", "--model", TestModel.DIR.toAbsolutePath().toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("(live)") && r.out().contains("splitee-s:side=learned") && r.out().contains("best fixed"),
                r.out());
        assertTrue(!r.out().contains("SLF4J(W)"), "one SLF4J provider in the jar: " + r.out());
        Png.assertPng(out.resolve("arm-over-time.png"));
    }

    @Test
    void badFlagsExitTwoFromTheJar() throws Exception {
        Run r = java("demo", "--link", "moon");
        assertEquals(2, r.code(), r.out());
        assertEquals(1, r.out().strip().lines().count(), r.out());
        assertTrue(r.out().contains("--link"), r.out());
    }
}
