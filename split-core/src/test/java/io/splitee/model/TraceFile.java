package io.splitee.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Test reader for a package trace ({@code conf_1..conf_L,pred_1..pred_L,label}, gzip CSV): the
 * reference the Java runner is compared with.
 *
 * @param conf per row, per exit: max softmax (6 decimals)
 * @param pred per row, per exit: argmax class
 * @param label per row: true class
 */
public record TraceFile(double[][] conf, int[][] pred, int[] label) {

    /**
     * Reads the first {@code maxRows} rows.
     *
     * @param file the gzip CSV
     * @param depth L, the number of exits
     * @param maxRows rows to read
     */
    public static TraceFile read(Path file, int depth, int maxRows) {
        List<double[]> confs = new ArrayList<>();
        List<int[]> preds = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
            String[] header = r.readLine().split(",");
            if (header.length != 2 * depth + 1 || !header[0].equals("conf_1") || !header[depth].equals("pred_1")
                    || !header[2 * depth].equals("label")) {
                throw new IllegalStateException(file + ": unexpected header " + String.join(",", header));
            }
            String line;
            while (confs.size() < maxRows && (line = r.readLine()) != null) {
                String[] f = line.split(",");
                double[] c = new double[depth];
                int[] p = new int[depth];
                for (int i = 0; i < depth; i++) {
                    c[i] = Double.parseDouble(f[i]);
                    p[i] = Integer.parseInt(f[depth + i]);
                }
                confs.add(c);
                preds.add(p);
                labels.add(Integer.parseInt(f[2 * depth]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TraceFile(confs.toArray(double[][]::new), preds.toArray(int[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** @return rows read */
    public int rows() {
        return label.length;
    }
}
