package io.splitee.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the CSV that {@code splitee-device sweep --csv FILE} writes into compact Markdown tables for
 * {@code docs/results.md}: per trace, one row per offload cost o with accuracy drop and cost
 * reduction of every policy, and the cumulative regret of the adaptive policies at each
 * checkpoint; then one summary table across traces (SplitEE and SplitEE-S at every o). It only
 * reformats numbers the device runtime computed; nothing is recomputed here.
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.PaperTables sweep.csv [more.csv ...]
 * </pre>
 */
public final class PaperTables {

    private PaperTables() {
    }

    /** One CSV row, by column name. */
    private record Row(Map<String, String> cells) {
        String get(String column) {
            String v = cells.get(column);
            if (v == null) {
                throw new IllegalArgumentException("the CSV has no column \"" + column + "\"");
            }
            return v;
        }

        double number(String column) {
            String v = get(column);
            return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        }
    }

    /**
     * Prints the tables.
     *
     * @param args one or more sweep CSV files
     */
    public static void main(String[] args) {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("usage: PaperTables SWEEP.csv [SWEEP2.csv ...]  (files written by splitee-device sweep --csv)");
            System.exit(2);
        }
        try {
            List<Row> rows = new ArrayList<>();
            List<String> regretColumns = new ArrayList<>();
            for (String a : args) {
                read(Path.of(a), rows, regretColumns);
            }
            print(rows, regretColumns);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("PaperTables: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void read(Path file, List<Row> rows, List<String> regretColumns) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " does not exist");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty");
        }
        String[] header = lines.get(0).split(",", -1);
        for (String h : header) {
            if (h.startsWith("regret_at_") && !regretColumns.contains(h)) {
                regretColumns.add(h);
            }
        }
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != header.length) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + " has " + cells.length + " cells, the header "
                        + header.length + " (a quoted trace name with a comma is not supported)");
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int c = 0; c < header.length; c++) {
                m.put(header[c], cells[c]);
            }
            rows.add(new Row(m));
        }
    }

    private static void print(List<Row> rows, List<String> regretColumns) {
        Map<String, List<Row>> byTrace = new LinkedHashMap<>();
        List<String> policies = new ArrayList<>();
        for (Row r : rows) {
            byTrace.computeIfAbsent(r.get("trace"), k -> new ArrayList<>()).add(r);
            if (!policies.contains(r.get("policy"))) {
                policies.add(r.get("policy"));
            }
        }
        for (Map.Entry<String, List<Row>> t : byTrace.entrySet()) {
            List<Row> tr = t.getValue();
            Row any = tr.get(0);
            Row fin = tr.stream().filter(r -> r.get("policy").equals("final")).findFirst().orElse(any);
            System.out.printf(Locale.ROOT, "**%s** (%s samples, λ = %s, α = %s; final-exit accuracy %.2f %%): "
                            + "accuracy drop in points / cost reduction in %%%n%n", shortName(t.getKey()), any.get("samples"),
                    any.get("lambda"), any.get("threshold"), 100 * fin.number("accuracy"));
            StringBuilder head = new StringBuilder("| o |");
            StringBuilder rule = new StringBuilder("|---:|");
            for (String p : policies) {
                head.append(' ').append(p).append(" |");
                rule.append("---:|");
            }
            for (String p : policies) {
                if (p.startsWith("splitee")) {
                    head.append(" regret ").append(p).append(" @").append(checkpoints(regretColumns)).append(" |");
                    rule.append("---:|");
                }
            }
            System.out.println(head);
            System.out.println(rule);
            for (String o : distinct(tr, "offload_cost")) {
                StringBuilder line = new StringBuilder("| " + o + " |");
                Map<String, Row> at = new LinkedHashMap<>();
                for (Row r : tr) {
                    if (r.get("offload_cost").equals(o)) {
                        at.put(r.get("policy"), r);
                    }
                }
                for (String p : policies) {
                    Row r = at.get(p);
                    line.append(r == null ? " - |" : " " + cell(r) + " |");
                }
                for (String p : policies) {
                    if (p.startsWith("splitee")) {
                        Row r = at.get(p);
                        List<String> parts = new ArrayList<>();
                        for (String c : regretColumns) {
                            double v = r == null ? Double.NaN : r.number(c);
                            parts.add(Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v));
                        }
                        line.append(' ').append(String.join(" / ", parts)).append(" |");
                    }
                }
                System.out.println(line);
            }
            System.out.println();
        }
        summary(byTrace);
    }

    /** SplitEE and SplitEE-S across traces: accuracy drop / cost reduction at every o. */
    private static void summary(Map<String, List<Row>> byTrace) {
        System.out.println("Summary, SplitEE | SplitEE-S, accuracy drop in points / cost reduction in %:");
        System.out.println();
        List<String> costs = distinct(byTrace.values().iterator().next(), "offload_cost");
        StringBuilder head = new StringBuilder("| trace |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String o : costs) {
            head.append(" o = ").append(o).append(" |");
            rule.append("---:|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (Map.Entry<String, List<Row>> t : byTrace.entrySet()) {
            StringBuilder line = new StringBuilder("| " + shortName(t.getKey()) + " |");
            for (String o : costs) {
                List<String> parts = new ArrayList<>();
                for (String p : List.of("splitee", "splitee-s")) {
                    t.getValue().stream().filter(r -> r.get("offload_cost").equals(o) && r.get("policy").equals(p))
                            .findFirst().ifPresent(r -> parts.add(cell(r)));
                }
                line.append(' ').append(String.join(" \\| ", parts)).append(" |");
            }
            System.out.println(line);
        }
    }

    /** "drop / cost reduction": points with 2 decimals, percent with 1; no negative zero. */
    private static String cell(Row r) {
        return fixed(100 * r.number("accuracy_drop"), 2) + " / " + fixed(100 * r.number("cost_reduction"), 1);
    }

    private static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return s.matches("-0\\.0*") ? s.substring(1) : s;
    }

    private static List<String> distinct(List<Row> rows, String column) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            if (!out.contains(r.get(column))) {
                out.add(r.get(column));
            }
        }
        return out;
    }

    private static String checkpoints(List<String> regretColumns) {
        List<String> n = new ArrayList<>();
        for (String c : regretColumns) {
            n.add(c.substring("regret_at_".length()));
        }
        return String.join("/", n);
    }

    /** The trace file's base name without {@code .csv.gz} / {@code .csv}. */
    private static String shortName(String trace) {
        String name = Path.of(trace).getFileName().toString();
        return name.replaceFirst("\\.csv(\\.gz)?$", "");
    }
}
