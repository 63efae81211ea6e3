package io.splitee.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link GcLog} on lines as JDK 17 writes them with {@code -Xlog:gc,gc+heap}. */
class GcLogTest {
    private static final String SERIAL_YOUNG = """
            [1.393s][info][gc,heap] GC(110) DefNew: 18450K(19648K)->978K(19648K) Eden: 17472K(17472K)->0K(17472K) From: 978K(2176K)->978K(2176K)
            [1.393s][info][gc,heap] GC(110) Tenured: 448K(43712K)->448K(43712K)
            [1.393s][info][gc     ] GC(110) Pause Young (Allocation Failure) 18M->1M(61M) 0.543ms
            """;
    private static final String SERIAL_FULL = """
            [1.451s][info][gc,heap] GC(113) DefNew: 3833K(19648K)->0K(19648K) Eden: 2854K(17472K)->0K(17472K) From: 978K(2176K)->0K(2176K)
            [1.451s][info][gc,heap] GC(113) Tenured: 448K(43712K)->1426K(43712K)
            [1.451s][info][gc     ] GC(113) Pause Full (System.gc()) 4M->1M(61M) 16.848ms
            """;

    @TempDir
    Path dir;

    @Test
    void serialCollectionsInKilobytesFromTheGenerationLines() throws Exception {
        Path file = dir.resolve("gc.log");
        GcLog log = new GcLog(file);
        assertNull(log.last(), "no log yet");
        Files.writeString(file, SERIAL_YOUNG);
        assertEquals(new GcLog.Gc(110, 978 + 448, 19648 + 43712, false), log.last());
        assertNull(log.lastFull());
        Files.writeString(file, SERIAL_FULL, StandardOpenOption.APPEND);
        assertEquals(new GcLog.Gc(113, 1426, 19648 + 43712, true), log.last());
        assertEquals(log.last(), log.lastFull());
        assertEquals(2, log.count());
    }

    @Test
    void aLineStillBeingWrittenIsReadOnceComplete() throws Exception {
        Path file = dir.resolve("gc.log");
        GcLog log = new GcLog(file);
        String partial = SERIAL_YOUNG.substring(0, SERIAL_YOUNG.length() - 20);
        Files.writeString(file, partial);
        assertNull(log.last(), "the summary line is not complete");
        Files.writeString(file, SERIAL_YOUNG.substring(partial.length()), StandardOpenOption.APPEND);
        assertEquals(978 + 448, log.last().afterKb());
        assertEquals(1, log.count());
    }

    @Test
    void otherCollectorsInMegabytesFromTheSummaryLine() throws Exception {
        Path file = dir.resolve("gc.log");
        Files.writeString(file, """
                [0.912s][info][gc,heap] GC(3) Eden regions: 24->0(150)
                [0.912s][info][gc,heap] GC(3) Old regions: 2->4
                [0.912s][info][gc     ] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 26M->9M(384M) 4.120ms
                """);
        GcLog.Gc gc = new GcLog(file).last();
        assertEquals(9 * 1024, gc.afterKb());
        assertEquals(384 * 1024, gc.committedKb());
        assertFalse(gc.full());
    }

    @Test
    void aRotatedLogIsReadFromItsStart() throws Exception {
        Path file = dir.resolve("gc.log");
        GcLog log = new GcLog(file);
        Files.writeString(file, SERIAL_YOUNG + SERIAL_FULL);
        assertTrue(log.last().full());
        Files.writeString(file, SERIAL_YOUNG.replace("GC(110)", "GC(9)"));
        assertEquals(9, log.last().id());
        assertEquals(113, log.lastFull().id(), "the last full collection is remembered across a rotation");
    }
}
