package io.splitee.testenv;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the log records a test expects out of the build's log, so that the test can assert them and
 * a green build prints no {@code ERROR} and no stack trace. The tests log through slf4j-simple, which
 * writes each record (a header line, then the stack trace of its throwable, then a flush) to {@code
 * System.err} or {@code System.out} as they are when it writes; while a capture is open both are
 * replaced by a stream that keeps the records of the named loggers at the named levels, with their
 * stack traces, and passes every other line through unchanged.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.start(Set.of(Level.ERROR), TransportBase.class)) {
 *     ... // provoke the failure
 *     assertEquals(1, log.count(Level.ERROR, "handler for 's' failed"), log.toString());
 * }
 * }</pre>
 *
 * <p>Open one capture at a time (the tests of a module run one after another).
 */
public final class LogCapture implements AutoCloseable {

    /** slf4j-simple's levels. */
    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    /**
     * One captured record.
     *
     * @param level its level
     * @param logger the logger name as printed (a short name where the configuration shortens it)
     * @param line the header line as printed
     * @param trace the lines of the throwable's stack trace, if it had one
     */
    public record Entry(Level level, String logger, String line, List<String> trace) {
        /** Whether the header line contains {@code text}. */
        public boolean contains(String text) {
            return line.contains(text);
        }
    }

    /** slf4j-simple's header: [date-time ][[thread] ]LEVEL logger - message. */
    private static final Pattern HEADER =
            Pattern.compile("^(?:\\S+ )?(?:\\[[^\\]]*\\] )?(TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - .*");

    private final Set<Level> levels;
    private final List<String> loggers;
    private final PrintStream originalOut;
    private final PrintStream originalErr;
    private final List<Entry> entries = new ArrayList<>();
    private boolean closed;

    private LogCapture(Set<Level> levels, List<String> loggers) {
        this.levels = Set.copyOf(levels);
        this.loggers = List.copyOf(loggers);
        this.originalOut = System.out;
        this.originalErr = System.err;
        System.setOut(new PrintStream(new Filter(originalOut), false, Charset.defaultCharset()));
        System.setErr(new PrintStream(new Filter(originalErr), false, Charset.defaultCharset()));
    }

    /**
     * Starts capturing the records at {@code levels} of the loggers named by classes (a class's
     * logger, its nested classes' and, where the log prints short names, the simple name).
     */
    public static LogCapture start(Set<Level> levels, Class<?>... loggers) {
        List<String> names = new ArrayList<>();
        for (Class<?> c : loggers) {
            names.add(c.getName());
        }
        return start(levels, names);
    }

    /** Starts capturing the records at {@code levels} of the loggers named by name or package prefix. */
    public static LogCapture start(Set<Level> levels, List<String> loggers) {
        if (levels.isEmpty() || loggers.isEmpty()) {
            throw new IllegalArgumentException("name at least one level and one logger");
        }
        return new LogCapture(levels, loggers);
    }

    /** The records captured so far (each complete with its stack trace). */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** How many captured records at {@code level} contain {@code text} in their header line. */
    public synchronized long count(Level level, String text) {
        return entries.stream().filter(e -> e.level() == level && e.contains(text)).count();
    }

    /** How many captured records match. */
    public synchronized long count(Predicate<Entry> which) {
        return entries.stream().filter(which).count();
    }

    /** Stops capturing; the streams are System's again. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        System.out.flush();
        System.err.flush();
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    /** The captured header lines, one per line, for assertion messages. */
    @Override
    public synchronized String toString() {
        StringBuilder b = new StringBuilder("captured log (" + entries.size() + "):");
        entries.forEach(e -> b.append('\n').append(e.line()));
        return b.toString();
    }

    private boolean captures(Level level, String logger) {
        if (!levels.contains(level)) {
            return false;
        }
        for (String name : loggers) {
            if (logger.equals(name) || logger.startsWith(name + ".") || logger.startsWith(name + "$")
                    || name.endsWith("." + logger) || name.endsWith("." + logger.replace('$', '.'))) {
                return true;
            }
        }
        return false;
    }

    private synchronized void add(Entry e) {
        entries.add(e);
    }

    /**
     * Splits what is written into lines; a header line of a captured logger starts a captured record,
     * the lines after it up to the flush that ends slf4j-simple's write are its stack trace; every
     * other line goes to the original stream.
     */
    private final class Filter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private Entry current;

        Filter(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                endLine();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() {
            if (current == null && line.size() > 0) {
                target.write(line.toByteArray(), 0, line.size());
                line.reset();
            }
            finish();
            target.flush();
        }

        /** A record is complete, and visible in {@link #entries()}, once the logger flushes or the next begins. */
        private void finish() {
            if (current != null) {
                add(current);
                current = null;
            }
        }

        @Override
        public synchronized void close() {
            flush();
        }

        private void endLine() {
            byte[] bytes = line.toByteArray();
            line.reset();
            String text = new String(bytes, Charset.defaultCharset()).stripTrailing();
            Matcher m = HEADER.matcher(text);
            if (m.matches()) {
                finish();
                Level level = Level.valueOf(m.group(1).toUpperCase(Locale.ROOT));
                String logger = m.group(2);
                if (captures(level, logger)) {
                    current = new Entry(level, logger, text, new ArrayList<>());
                    return;
                }
            } else if (current != null) {
                current.trace().add(text);
                return;
            }
            target.write(bytes, 0, bytes.length);
        }
    }
}
