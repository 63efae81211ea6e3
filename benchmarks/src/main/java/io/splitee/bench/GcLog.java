package io.splitee.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows a child JVM's GC log ({@code -Xlog:gc,gc+heap:file=...}) for {@link Soak}: the heap in use and committed after
 * its last collection and after its last full collection, without forcing one. Serial's per-generation lines give
 * kilobytes; other collectors' summary line gives megabytes.
 */
final class GcLog {
    private static final Pattern GENERATION =
            Pattern.compile("GC\\((\\d+)\\) (DefNew|Tenured): \\d+K\\(\\d+K\\)->(\\d+)K\\((\\d+)K\\)");
    private static final Pattern SUMMARY = Pattern.compile("GC\\((\\d+)\\) (Pause .*) (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** One collection: what it left in use and committed, and whether it was a full one. */
    record Gc(long id, long afterKb, long committedKb, boolean full) {
    }

    private final Path file;
    private long offset;
    private long id = -1;
    private long afterKb;
    private long committedKb;
    private long count;
    private Gc last;
    private Gc lastFull;

    GcLog(Path file) {
        this.file = file;
    }

    /** The last collection logged so far, or null before the first. */
    synchronized Gc last() throws IOException {
        follow();
        return last;
    }

    /** The last full collection logged so far, or null before the first. */
    synchronized Gc lastFull() throws IOException {
        follow();
        return lastFull;
    }

    /** Collections logged so far. */
    synchronized long count() throws IOException {
        follow();
        return count;
    }

    private void follow() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() < offset) {
                offset = 0; // the JVM rotated its log
            }
            byte[] b = new byte[(int) Math.min(f.length() - offset, 64L << 20)];
            f.seek(offset);
            f.readFully(b);
            int end = b.length;
            while (end > 0 && b[end - 1] != '\n') {
                end--;
            }
            offset += end;
            for (String line : new String(b, 0, end, StandardCharsets.UTF_8).split("\n")) {
                line(line);
            }
        }
    }

    private void line(String line) {
        Matcher g = GENERATION.matcher(line);
        if (g.find()) {
            long at = Long.parseLong(g.group(1));
            if (at != id) {
                id = at;
                afterKb = 0;
                committedKb = 0;
            }
            afterKb += Long.parseLong(g.group(3));
            committedKb += Long.parseLong(g.group(4));
            return;
        }
        Matcher s = SUMMARY.matcher(line);
        if (s.find()) {
            long at = Long.parseLong(s.group(1));
            boolean full = s.group(2).startsWith("Pause Full");
            Gc gc = at == id ? new Gc(at, afterKb, committedKb, full)
                    : new Gc(at, 1024 * Long.parseLong(s.group(4)), 1024 * Long.parseLong(s.group(5)), full);
            last = gc;
            count++;
            if (full) {
                lastFull = gc;
            }
        }
    }
}
