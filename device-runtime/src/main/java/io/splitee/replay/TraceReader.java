package io.splitee.replay;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads and validates a trace CSV (optionally gzip); every error is one line with file, line, column. */
final class TraceReader {

    private static final Pattern EXIT_COLUMN = Pattern.compile("(conf|pred)_(.*)");
    private static final Pattern EXIT_NUMBER = Pattern.compile("[1-9][0-9]{0,5}");
    private static final int MAX_CELLS = Integer.MAX_VALUE - 16;

    private final String file;
    private int line;
    private int sample;

    private TraceReader(String file) {
        this.file = file;
    }

    static Trace read(Path path) throws TraceException {
        TraceReader reader = new TraceReader(path.toString());
        if (Files.isDirectory(path)) {
            throw reader.fail("is a directory, not a trace file");
        }
        try (InputStream raw = Files.newInputStream(path)) {
            InputStream in = raw;
            if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
                in = new GZIPInputStream(raw, 1 << 16);
            }
            BufferedReader text = new BufferedReader(
                    new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()), 1 << 16);
            return reader.parse(text);
        } catch (NoSuchFileException e) {
            throw reader.fail("no such file");
        } catch (AccessDeniedException e) {
            throw reader.fail("permission denied");
        } catch (CharacterCodingException e) {
            throw reader.failAt("not UTF-8 text");
        } catch (ZipException e) {
            throw reader.failAt("not valid gzip data (" + e.getMessage() + ")");
        } catch (EOFException e) {
            throw reader.failAt("the file ends in the middle of its gzip data");
        } catch (IOException e) {
            throw reader.failAt("cannot read: " + e.getMessage());
        }
    }

    private Trace parse(BufferedReader text) throws IOException, TraceException {
        String header = text.readLine();
        line = 1;
        if (header == null) {
            throw fail("empty file: expected a header with conf_1..conf_L and pred_1..pred_L");
        }
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        Columns columns = parseHeader(split(header));
        int l = columns.exits;
        int capacity = 1024;
        double[] conf = new double[capacity * l];
        int[] pred = new int[capacity * l];
        int[] labels = columns.label >= 0 ? new int[capacity] : null;
        int n = 0;
        String row;
        while ((row = text.readLine()) != null) {
            line++;
            if (row.isBlank()) {
                continue;
            }
            sample = n + 1;
            if ((long) (n + 1) * l > MAX_CELLS) {
                throw failAt("too many samples");
            }
            if (n == capacity) {
                capacity = (int) Math.min((long) capacity * 2, MAX_CELLS / l);
                conf = Arrays.copyOf(conf, capacity * l);
                pred = Arrays.copyOf(pred, capacity * l);
                if (labels != null) {
                    labels = Arrays.copyOf(labels, capacity);
                }
            }
            String[] cells = split(row);
            if (cells.length < columns.names.length) {
                throw failAt(columns.names[cells.length], "missing value (the row has " + cells.length
                        + " values, the header " + columns.names.length + " columns)");
            }
            if (cells.length > columns.names.length) {
                throw failAt(cells.length + " values but the header has " + columns.names.length + " columns");
            }
            for (int i = 0; i < l; i++) {
                conf[n * l + i] = confidence(cells, columns.conf[i], columns.names);
                pred[n * l + i] = integer(cells, columns.pred[i], columns.names);
            }
            if (labels != null) {
                labels[n] = integer(cells, columns.label, columns.names);
            }
            n++;
        }
        if (n == 0) {
            throw fail("no samples after the header");
        }
        return new Trace(file, n, l, Arrays.copyOf(conf, n * l), Arrays.copyOf(pred, n * l),
                labels == null ? null : Arrays.copyOf(labels, n));
    }

    /** Column positions: conf[i] and pred[i] are the cell indexes of exit i+1; label is -1 when absent. */
    private record Columns(String[] names, int exits, int[] conf, int[] pred, int label) {
    }

    private Columns parseHeader(String[] names) throws TraceException {
        int[] conf = new int[names.length + 1];
        int[] pred = new int[names.length + 1];
        Arrays.fill(conf, -1);
        Arrays.fill(pred, -1);
        int maxConf = 0;
        int maxPred = 0;
        int confCount = 0;
        int predCount = 0;
        int label = -1;
        for (int c = 0; c < names.length; c++) {
            String name = names[c];
            if (name.equals("label")) {
                if (label >= 0) {
                    throw failAt(name, "duplicate column");
                }
                label = c;
                continue;
            }
            Matcher m = EXIT_COLUMN.matcher(name);
            if (!m.matches()) {
                continue; // other columns (an id, a timestamp) are not used
            }
            if (!EXIT_NUMBER.matcher(m.group(2)).matches()) {
                throw failAt(name, "expected " + m.group(1) + "_<exit number from 1>");
            }
            int exit = Integer.parseInt(m.group(2));
            if (exit > names.length) {
                throw failAt(name, "exit " + exit + " but the header has only " + names.length + " columns");
            }
            boolean isConf = m.group(1).equals("conf");
            int[] slot = isConf ? conf : pred;
            if (slot[exit] >= 0) {
                throw failAt(name, "duplicate column");
            }
            slot[exit] = c;
            if (isConf) {
                confCount++;
                maxConf = Math.max(maxConf, exit);
            } else {
                predCount++;
                maxPred = Math.max(maxPred, exit);
            }
        }
        if (confCount == 0 || predCount == 0) {
            throw failAt("the header has " + confCount + " conf_ and " + predCount
                    + " pred_ columns; expected conf_1..conf_L and pred_1..pred_L");
        }
        if (confCount != predCount) {
            throw failAt("the header has " + confCount + " conf_ columns but " + predCount + " pred_ columns");
        }
        for (int exit = 1; exit <= Math.max(maxConf, maxPred); exit++) {
            if (conf[exit] < 0) {
                throw failAt("the header has no column conf_" + exit + " (expected conf_1..conf_" + maxConf + ")");
            }
            if (pred[exit] < 0) {
                throw failAt("the header has no column pred_" + exit + " (expected pred_1..pred_" + maxPred + ")");
            }
        }
        int l = confCount;
        return new Columns(names, l, Arrays.copyOfRange(conf, 1, l + 1), Arrays.copyOfRange(pred, 1, l + 1), label);
    }

    private double confidence(String[] cells, int c, String[] names) throws TraceException {
        String cell = cells[c];
        if (cell.isEmpty()) {
            throw failAt(names[c], "missing value");
        }
        double v;
        try {
            v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw failAt(names[c], "'" + cell + "' is not a number");
        }
        if (!(v >= 0 && v <= 1)) {
            throw failAt(names[c], "confidence " + cell + " is outside [0, 1]");
        }
        return v;
    }

    private int integer(String[] cells, int c, String[] names) throws TraceException {
        String cell = cells[c];
        if (cell.isEmpty()) {
            throw failAt(names[c], "missing value");
        }
        try {
            return Integer.parseInt(cell);
        } catch (NumberFormatException e) {
            throw failAt(names[c], "'" + cell + "' is not an integer class index");
        }
    }

    /** Splits on commas and trims; no quoting (a trace holds only names and numbers). */
    private static String[] split(String row) {
        int count = 1;
        for (int i = 0; i < row.length(); i++) {
            if (row.charAt(i) == ',') {
                count++;
            }
        }
        String[] cells = new String[count];
        int start = 0;
        for (int k = 0; k < count; k++) {
            int end = row.indexOf(',', start);
            if (end < 0) {
                end = row.length();
            }
            cells[k] = row.substring(start, end).trim();
            start = end + 1;
        }
        return cells;
    }

    private TraceException fail(String problem) {
        return new TraceException(file + ": " + problem);
    }

    private TraceException failAt(String problem) {
        if (line == 0) {
            return fail(problem);
        }
        return new TraceException(file + ": line " + line + where() + ": " + problem);
    }

    private TraceException failAt(String column, String problem) {
        return new TraceException(file + ": line " + line + where() + ", column " + column + ": " + problem);
    }

    private String where() {
        return sample > 0 ? " (sample " + sample + ")" : " (header)";
    }
}
