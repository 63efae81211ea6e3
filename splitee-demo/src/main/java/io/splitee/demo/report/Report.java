package io.splitee.demo.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a report shows.
 *
 * @param title     one line, e.g. {@code SplitEE demo: 1000 Fashion-MNIST test images, clean, wifi link}
 * @param settings  the run's parameters, in display order
 * @param played    the run the report is about (the live device, or the replayed policy)
 * @param baselines the comparison, replayed on the same samples (may be empty)
 * @param measured  the device's cost measurements, if the run had a device
 * @param notes     caveats shown under the table, one sentence each
 */
public record Report(String title, Map<String, String> settings, PolicyRun played, List<PolicyRun> baselines,
                     Optional<Measured> measured, List<String> notes) {

    /** Validates and copies. */
    public Report {
        Objects.requireNonNull(title, "title");
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        Objects.requireNonNull(played, "played");
        baselines = List.copyOf(baselines);
        Objects.requireNonNull(measured, "measured");
        notes = List.copyOf(notes);
    }

    /** The played run first, then the baselines. */
    public List<PolicyRun> all() {
        List<PolicyRun> l = new java.util.ArrayList<>();
        l.add(played);
        l.addAll(baselines);
        return l;
    }

    /** The baseline answering every sample at the final exit, if present. */
    public Optional<PolicyRun> finalExit() {
        return baselines.stream().filter(r -> r.name().equals("final exit")).findFirst();
    }
}
