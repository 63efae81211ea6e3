package io.splitee.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report} from a trace and from collected answers, on a small written trace (no model, no broker). */
class ReportCommandTest {
    static final int N = 120;
    static final int L = 4;

    @TempDir
    Path dir;
    Path trace;

    @BeforeEach
    void writeTrace() throws Exception {
        Random r = new Random(4);
        StringBuilder b = new StringBuilder("conf_1,conf_2,conf_3,conf_4,pred_1,pred_2,pred_3,pred_4,label\n");
        for (int s = 0; s < N; s++) {
            double easy = r.nextDouble();
            for (int e = 1; e <= L; e++) {
                b.append(String.format(java.util.Locale.ROOT, "%.6f,", Math.min(1, 0.3 + 0.7 * easy * e / L)));
            }
            int label = s % 10;
            for (int e = 1; e <= L; e++) {
                b.append(r.nextDouble() < 0.4 + 0.15 * e ? label : (label + 1) % 10).append(',');
            }
            b.append(label).append('\n');
        }
        trace = Files.writeString(dir.resolve("trace.csv"), b.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void fromATraceReplaysThePolicyAndTheBaselines() throws Exception {
        Path out = dir.resolve("out");
        Cli r = Cli.run("report", "--trace", trace.toString(), "--policy", "splitee-s", "--out", out.toString());
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("splitee-s (replay)") && r.out.contains("best fixed"), r.out);
        JsonNode j = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("splitee-s (replay)", j.get("policies").get(0).get("policy").asText());
        assertEquals(9, j.get("policies").size(), "main run, splitee, splitee-s-paper and six baselines");
        assertEquals(N, j.get("policies").get(0).get("samples").asInt());
        assertEquals(3, j.get("charts").size(), "arm, regret, cost/accuracy: nothing measured");
        assertTrue(Files.exists(out.resolve("index.html")));
    }

    @Test
    void fromAnswersScoresThemOnTheTrace() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int s = N - 1; s >= 0; s--) { // any order: the report puts them back in sample order
            ResultMessage m = new ResultMessage("cam-" + s, "cam", "m", ResultMessage.Status.OK,
                    new ResultMessage.Prediction(s % 10, "c", 0.9, L), ResultMessage.Location.DEVICE, L, null, null, 0.9,
                    new ResultMessage.Timings(Duration.ofMillis(3), null, null, Duration.ofMillis(4)), null);
            b.append(new String(ResultCodec.toJson(m), StandardCharsets.UTF_8)).append('\n');
        }
        Path results = Files.writeString(dir.resolve("results.jsonl"), b.toString(), StandardCharsets.UTF_8);
        Path out = dir.resolve("out");
        Cli r = Cli.run("report", "--results", results.toString(), "--baseline-trace", trace.toString(),
                "--out", out.toString());
        assertEquals(0, r.code, r.toString());
        JsonNode live = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("policies").get(0);
        assertEquals("device cam (live)", live.get("policy").asText());
        assertEquals(1.0, live.get("accuracy").asDouble(), 1e-12, "every answer names the label");
        assertEquals(0.0, live.get("cost_reduction").asDouble(), 1e-12, "every answer from the final exit on the device");
        assertEquals(N, live.get("arm_counts").get(L).asInt());
        assertTrue(Files.exists(out.resolve("latency-by-arm.png")), "timings give the latency chart");
    }
}
