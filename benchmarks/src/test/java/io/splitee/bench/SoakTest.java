package io.splitee.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Soak} reads: the units' JVM options and the class histograms. */
class SoakTest {
    @TempDir
    Path dir;

    @Test
    void theChildrenGetThePackagedUnitsJvmOptionsWithoutTheirDirectories() throws Exception {
        List<String> gateway = Soak.opts(null, Path.of("../systemd/splitee-gateway.service"));
        List<String> device = Soak.opts(null, Path.of("../systemd/splitee-device.service"));
        assertTrue(gateway.contains("-XX:+ExitOnOutOfMemoryError"), gateway.toString());
        assertTrue(gateway.stream().anyMatch(o -> o.startsWith("-Xmx")), gateway.toString());
        assertTrue(device.stream().anyMatch(o -> o.startsWith("-Xmx")), device.toString());
        assertTrue((gateway + "" + device).indexOf("-D") < 0, "no -D directory properties: " + gateway + device);
        assertEquals(List.of(), Soak.opts("none", null));
        assertEquals(List.of("-Xmx32m", "-XX:+UseSerialGC"), Soak.opts(" -Xmx32m  -XX:+UseSerialGC", null));
        Path unit = Files.writeString(dir.resolve("x.service"), "[Service]\nExecStart=/usr/bin/java -jar x.jar\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Soak.opts(null, unit));
        assertTrue(e.getMessage().contains("JAVA_OPTS"), e.getMessage());
    }

    @Test
    void histogramGrowthIsPerClassInBytes() throws Exception {
        Files.writeString(dir.resolve("g-histogram-start.txt"), """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         21468        2431464  [B (java.base@17.0.15)
                   2:          4949         197960  java.util.LinkedHashMap$Entry (java.base@17.0.15)
                Total         26417        2629424
                """);
        Files.writeString(dir.resolve("g-histogram-end.txt"), """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         21468        2431464  [B (java.base@17.0.15)
                   2:          8192         327680  java.util.LinkedHashMap$Entry (java.base@17.0.15)
                   3:             1             16  io.splitee.New
                Total         29661        2759160
                """);
        String s = Soak.growth("g", dir);
        assertTrue(s.startsWith("- g: all live objects 2,567 KB -> 2,694 KB; java.util.LinkedHashMap$Entry "
                + "+129,720 B (+3,243 instances); io.splitee.New +16 B (+1 instances);"), s);
        assertTrue(Soak.growth("none", dir).contains("no histogram"));
    }
}
