package io.splitee.device.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.splitee.engine.EngineConfig;
import io.splitee.replay.ReplayResult;
import io.splitee.replay.Trace;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/** Text and JSON renderings of replay results. */
final class Reports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Reports() {
    }

    /**
     * One JSON object, keys in this order: policy, samples, arms, cost, full_cost,
     * cost_reduction (null when full_cost is 0), offloaded, arm_counts, best_fixed_arm, regret,
     * and with labels accuracy, final_exit_accuracy, accuracy_drop.
     */
    static String json(ReplayResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("policy", r.policy());
        o.put("samples", r.samples());
        o.put("arms", r.arms());
        o.put("cost", r.cost());
        o.put("full_cost", r.fullCost());
        number(o, "cost_reduction", r.costReduction());
        o.put("offloaded", r.offloaded());
        ArrayNode counts = o.putArray("arm_counts");
        r.armCounts().forEach(counts::add);
        o.put("best_fixed_arm", r.bestFixedArm());
        o.put("regret", r.regret());
        if (r.accuracy().isPresent()) {
            o.put("accuracy", r.accuracy().getAsDouble());
            o.put("final_exit_accuracy", r.finalExitAccuracy().getAsDouble());
            o.put("accuracy_drop", r.accuracyDrop().getAsDouble());
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    static String table(Trace trace, EngineConfig config, double lambda, double offloadCost, ReplayResult r) {
        StringBuilder b = new StringBuilder();
        row(b, "trace", trace.name());
        row(b, "policy", r.policy());
        row(b, "parameters", String.format(Locale.ROOT, "lambda %s, offload cost %s, threshold %s, ucb-c %s, seed %d",
                lambda, offloadCost, config.threshold(), config.explorationConstant(), config.seed()));
        row(b, "samples", Integer.toString(r.samples()));
        row(b, "arms (exits)", Integer.toString(r.arms()));
        row(b, "cost", String.format(Locale.ROOT, "%.6f", r.cost()));
        row(b, "full cost", String.format(Locale.ROOT, "%.6f  (every sample at the final exit on the device)", r.fullCost()));
        row(b, "cost reduction", percent(r.costReduction()));
        row(b, "offloaded", String.format(Locale.ROOT, "%d  (%s)", r.offloaded(), percent((double) r.offloaded() / r.samples())));
        StringBuilder counts = new StringBuilder();
        for (int a = 0; a < r.arms(); a++) {
            counts.append(a == 0 ? "" : "  ").append(a + 1).append(':').append(r.armCounts().get(a));
        }
        row(b, "arm counts", counts.toString());
        row(b, "best fixed arm", Integer.toString(r.bestFixedArm()));
        row(b, "regret", String.format(Locale.ROOT, "%.6f", r.regret()));
        for (Map.Entry<Integer, Double> e : r.cumulativeRegret().entrySet()) {
            row(b, "regret @" + e.getKey(), String.format(Locale.ROOT, "%.6f", e.getValue()));
        }
        if (r.accuracy().isPresent()) {
            row(b, "accuracy", percent(r.accuracy().getAsDouble()));
            row(b, "final-exit accuracy", percent(r.finalExitAccuracy().getAsDouble()));
            row(b, "accuracy drop", points(r.accuracyDrop()));
        } else {
            row(b, "accuracy", "-  (the trace has no label column)");
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-20s %s%n", key, value));
    }

    static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f %%", 100 * fraction) : "n/a";
    }

    static String points(OptionalDouble fraction) {
        return fraction.isPresent() ? String.format(Locale.ROOT, "%.2f pp", 100 * fraction.getAsDouble()) : "-";
    }
}
