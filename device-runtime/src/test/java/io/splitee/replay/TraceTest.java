package io.splitee.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {

    @TempDir
    Path dir;

    @Test
    void readsColumnsInAnyOrder() throws Exception {
        Trace t = Trace.read(TraceFiles.write(dir, "hand.csv", TraceFiles.HAND));
        assertEquals(6, t.samples());
        assertEquals(3, t.exits());
        assertTrue(t.hasLabels());
        assertEquals(0.75, t.confidence(2, 2));
        assertEquals(9, t.prediction(2, 3));
        assertEquals(5, t.label(5));
    }

    @Test
    void readsGzipAndIgnoresOtherColumnsAndBlankLines() throws Exception {
        String text = "id,pred_2,conf_2,pred_1,conf_1\r\n7,1,0.5,2,0.25\r\n\r\n8,3,1,4,0\r\n";
        Trace t = Trace.read(TraceFiles.writeGzip(dir, "t.csv.gz", text));
        assertEquals(2, t.samples());
        assertEquals(2, t.exits());
        assertFalse(t.hasLabels());
        assertEquals(0.25, t.confidence(0, 1));
        assertEquals(1, t.prediction(0, 2));
        assertEquals(1.0, t.confidence(1, 2));
        assertEquals(4, t.prediction(1, 1));
    }

    @Test
    void headerProblems() throws IOException {
        expect("h1.csv", "label,a,b\n1,2,3\n", "h1.csv: line 1 (header): the header has 0 conf_ and 0 pred_ columns");
        expect("h2.csv", "conf_1,conf_2,pred_1\n0.5,0.5,1\n", "h2.csv: line 1 (header): the header has 2 conf_ columns but 1 pred_ columns");
        expect("h3.csv", "conf_1,conf_3,pred_1,pred_3\n0.5,0.5,1,1\n", "h3.csv: line 1 (header): the header has no column conf_2");
        expect("h4.csv", "conf_1,conf_1,pred_1,pred_2\n0.5,0.5,1,1\n", "h4.csv: line 1 (header), column conf_1: duplicate column");
        expect("h5.csv", "conf_x,pred_1\n0.5,1\n", "h5.csv: line 1 (header), column conf_x: expected conf_<exit number from 1>");
        expect("h6.csv", "", "h6.csv: empty file");
        expect("h7.csv", "conf_1,pred_1\n", "h7.csv: no samples after the header");
    }

    @Test
    void rowProblemsNameLineAndColumn() throws IOException {
        String h = "conf_1,conf_2,pred_1,pred_2,label\n0.5,0.5,1,1,1\n";
        expect("r1.csv", h + "0.5,0.5,1\n", "r1.csv: line 3 (sample 2), column pred_2: missing value");
        expect("r2.csv", h + "0.5,,1,1,1\n", "r2.csv: line 3 (sample 2), column conf_2: missing value");
        expect("r3.csv", h + "0.5,abc,1,1,1\n", "r3.csv: line 3 (sample 2), column conf_2: 'abc' is not a number");
        expect("r4.csv", h + "1.5,0.5,1,1,1\n", "r4.csv: line 3 (sample 2), column conf_1: confidence 1.5 is outside [0, 1]");
        expect("r5.csv", h + "0.5,NaN,1,1,1\n", "r5.csv: line 3 (sample 2), column conf_2: confidence NaN is outside [0, 1]");
        expect("r6.csv", h + "0.5,0.5,1,1,x\n", "r6.csv: line 3 (sample 2), column label: 'x' is not an integer class index");
        expect("r7.csv", h + "0.5,0.5,1,1,1,9\n", "r7.csv: line 3 (sample 2): 6 values but the header has 5 columns");
        expect("r8.csv", h + "-0.1,0.5,1,1,1\n", "r8.csv: line 3 (sample 2), column conf_1: confidence -0.1 is outside [0, 1]");
    }

    @Test
    void fileProblems() throws IOException {
        TraceException e = assertThrows(TraceException.class, () -> Trace.read(dir.resolve("absent.csv")));
        assertEquals(dir.resolve("absent.csv") + ": no such file", e.getMessage());
        Path notGzip = TraceFiles.write(dir, "plain.csv.gz", TraceFiles.HAND);
        e = assertThrows(TraceException.class, () -> Trace.read(notGzip));
        assertTrue(e.getMessage().startsWith(notGzip + ": not valid gzip data"), e.getMessage());
        Path truncated = dir.resolve("cut.csv.gz");
        byte[] gz = Files.readAllBytes(TraceFiles.writeGzip(dir, "full.csv.gz", TraceFiles.HAND.repeat(1)));
        Files.write(truncated, java.util.Arrays.copyOf(gz, gz.length - 12));
        e = assertThrows(TraceException.class, () -> Trace.read(truncated));
        assertTrue(e.getMessage().startsWith(truncated.toString()), e.getMessage());
        e = assertThrows(TraceException.class, () -> Trace.read(dir));
        assertTrue(e.getMessage().endsWith("is a directory, not a trace file"), e.getMessage());
    }

    @Test
    void ofValidatesShapes() {
        assertThrows(IllegalArgumentException.class, () -> Trace.of("x", new double[][] {{0.5}, {0.5, 0.5}}, new int[][] {{1}, {1, 1}}, null));
        assertThrows(IllegalArgumentException.class, () -> Trace.of("x", new double[][] {{1.5}}, new int[][] {{1}}, null));
        Trace t = Trace.of("x", new double[][] {{0.5, 1}}, new int[][] {{1, 2}}, new int[] {2});
        assertEquals(2, t.prediction(0, 2));
    }

    private void expect(String name, String text, String message) throws IOException {
        Path p = TraceFiles.write(dir, name, text);
        TraceException e = assertThrows(TraceException.class, () -> Trace.read(p));
        String expected = dir.resolve(message.substring(0, message.indexOf(':'))) + message.substring(message.indexOf(':'));
        assertTrue(e.getMessage().startsWith(expected), "expected\n  " + expected + "\ngot\n  " + e.getMessage());
    }
}
