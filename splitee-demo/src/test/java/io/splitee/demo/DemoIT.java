package io.splitee.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.splitee.device.config.DeviceConfig;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end, in-process: embedded HiveMQ, gateway, device daemon behind the link emulator, publisher. */
class DemoIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static JsonNode policy(JsonNode summary, String name) {
        for (JsonNode p : summary.get("policies")) {
            if (p.get("policy").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no policy " + name + " in " + summary);
    }

    @Test
    void fiveHundredSamplesEachAnsweredWithTheModelsAccuracyAndASaving() throws Exception {
        Path out = dir.resolve("report");
        // o = 0.1 < λ·L = 0.12: offloading can pay. With the default o = 0.3 every offload costs more than the
        // final exit on the device, and SplitEE, which must try the offloading arms, cannot save cost within
        // a few thousand samples (docs/demo.md, "Choosing λ and o").
        Cli r = Cli.run("demo", "--samples", "500", "--offload-cost", "0.1", "--cost", "paper", "--policy", "splitee",
                "--board", "none", "--model", TestModel.DIR.toString(), "--out", out.toString());
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("splitee (live)") && r.out.contains("report: "), r.out);

        // every published sample has exactly one usable answer
        List<String> lines = Files.readAllLines(out.resolve("results.jsonl"), StandardCharsets.UTF_8);
        Set<String> ids = new HashSet<>();
        for (String l : lines) {
            ResultMessage m = ResultCodec.parse(l.getBytes(StandardCharsets.UTF_8));
            assertEquals(ResultMessage.Status.OK, m.status(), l);
            assertTrue(ids.add(m.sampleId()), "answered once: " + m.sampleId());
        }
        assertEquals(500, ids.size(), "every published sample has a result");

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        JsonNode live = policy(summary, "splitee (live)");
        JsonNode fin = policy(summary, "final exit");
        assertEquals(500, live.get("samples").asInt());
        assertEquals(0, live.get("unanswered").asInt());
        double acc = live.get("accuracy").asDouble();
        double finalAcc = fin.get("accuracy").asDouble();
        assertTrue(Math.abs(acc - finalAcc) <= 0.01, "live accuracy " + acc + " within one point of the final exit's "
                + finalAcc + " on the same samples (trace)");
        assertTrue(live.get("cost_reduction").asDouble() > 0, "SplitEE saves cost: " + live);
        assertTrue(live.get("offloaded").asInt() > 0, "SplitEE explored offloading: " + live);

        // every chart exists and is a PNG that decodes; the demo has all of them
        List<String> charts = JSON.convertValue(summary.get("charts"), JSON.getTypeFactory()
                .constructCollectionType(List.class, String.class));
        assertEquals(List.of("arm-over-time.png", "regret.png", "cost-accuracy.png", "measured-cost.png",
                "latency-by-arm.png"), charts);
        for (String c : charts) {
            Png.assertPng(out.resolve(c));
        }
        String html = Files.readString(out.resolve("index.html"));
        charts.forEach(c -> assertTrue(html.contains(c), "index.html shows " + c));
        JsonNode blocks = summary.get("measured").get("block_ms");
        assertEquals(12, blocks.size());
        for (JsonNode b : blocks) {
            assertTrue(b.asDouble() > 0, "every block's compute was measured: " + blocks);
        }

        assertEquals("no change detector (policy has no detect=ph)", summary.get("settings").get("change detector").asText(),
                "splitee has no detect=ph");
        assertTrue(html.contains("no change detector (policy has no detect=ph)"), "the settings block shows it");

        // the same report from the collected answers
        Path again = dir.resolve("again");
        Cli rep = Cli.run("report", "--results", out.resolve("results.jsonl").toString(), "--offload-cost", "0.1",
                "--model", TestModel.DIR.toString(), "--out", again.toString());
        assertEquals(0, rep.code, rep.toString());
        JsonNode fromFile = JSON.readTree(again.resolve("summary.json").toFile()).get("policies").get(0);
        assertEquals(acc, fromFile.get("accuracy").asDouble(), 1e-12);
        assertEquals(live.get("cost_reduction").asDouble(), fromFile.get("cost_reduction").asDouble(), 1e-9);
        assertEquals(live.get("regret").asDouble(), fromFile.get("regret").asDouble(), 1e-9);
    }

    @Test
    void theDefaultsOnAFewHundredSamplesPriceEveryRowInMeasuredUnits() throws Exception {
        Path out = dir.resolve("defaults");
        Cli r = Cli.run("demo", "--samples", "300", "--model", TestModel.DIR.toString(), "--out", out.toString());
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("emulated Raspberry Pi 4 (×4.45, ncnn's ResNet-18"), r.out);
        assertTrue(r.out.contains("every row priced in measured cost units"), r.out);
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        for (String row : List.of(DeviceConfig.PolicyConfig.DEFAULT_POLICY + " (live)", "splitee (replay)", "splitee-s (replay)",
                "splitee-s-paper (replay)", "final exit", "offload all raw", "offload all @1", "early exit (device)", "random")) {
            assertEquals(300, policy(summary, row).get("samples").asInt(), row);
        }
        assertTrue(summary.get("policies").toString().contains("best fixed ("), summary.toString());
        JsonNode live = policy(summary, DeviceConfig.PolicyConfig.DEFAULT_POLICY + " (live)");
        assertEquals(0, live.get("unanswered").asInt());
        for (String f : List.of("index.html", "summary.csv", "samples.csv", "regret.csv", "results.jsonl",
                "arm-over-time.png", "regret.png", "cost-accuracy.png", "measured-cost.png", "latency-by-arm.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("offload gateway (in process): answered "), "the gateway row");
        assertTrue(html.contains(" samples the live row counts as offloaded"), "the gateway's offloads counted as the live row's");
        assertTrue(html.contains("Every row's cost is in measured cost units"), "the unit");
        assertTrue(html.contains("settled on arm") || html.contains("did not settle"), "a caption from the data");
    }

    /**
     * A live policy whose arms leave at the first confident exit: the report adds the cascade rows (the best cascade
     * arm in hindsight, SplitEE-S replayed with cascade arms) beside the plain ones, all in measured units.
     */
    @Test
    void aLeaveFirstPolicyIsComparedWithTheBestCascadeArm() throws Exception {
        Path out = dir.resolve("cascade");
        Cli r = Cli.run("demo", "--samples", "300", "--policy", "splitee-s:leave=first", "--model",
                TestModel.DIR.toString(), "--out", out.toString());
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("every row priced in measured cost units"), r.out);
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        for (String row : List.of("splitee-s:leave=first (live)", "splitee-s (replay)", "early exit (device)",
                "splitee-s, leave at first exit (replay)")) {
            assertEquals(300, policy(summary, row).get("samples").asInt(), row);
        }
        String names = summary.get("policies").toString();
        assertTrue(names.contains("\"best fixed, leave at first exit ("), names);
        assertTrue(names.contains("\"best fixed ("), "the plain best fixed arm stays: " + names);
        assertTrue(summary.get("settings").get("exit heads").asText().startsWith("exits 1..11 evaluated on the way add "),
                summary.get("settings").toString());
        JsonNode live = policy(summary, "splitee-s:leave=first (live)");
        assertEquals(0, live.get("unanswered").asInt());
    }

    /**
     * A live policy with a change detector: the report says how many alarms the device counted during the run (the
     * number depends on the run; the line's form does not).
     */
    @Test
    void aDetectingPolicysAlarmsAreInTheSettings() throws Exception {
        Path out = dir.resolve("detect");
        Cli r = Cli.run("demo", "--samples", "200", "--policy", "splitee-s:detect=ph", "--board", "none", "--model",
                TestModel.DIR.toString(), "--out", out.toString());
        assertEquals(0, r.code, r.toString());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(200, policy(summary, "splitee-s:detect=ph (live)").get("samples").asInt());
        String line = summary.get("settings").get("change detector").asText();
        assertTrue(line.matches("detect=ph: (0 alarms during the run|1 alarm during the run, at policy round \\d+ .*"
                + "|\\d+ alarms during the run, at policy rounds \\d+(, \\d+)* .*)"), line);
        assertTrue(Files.readString(out.resolve("index.html")).contains("detect=ph: "), "the settings block shows it");
    }

    @Test
    void anUnreachableBrokerIsBadInput() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli r = Cli.run("demo", "--broker", "tcp://127.0.0.1:" + port, "--model", TestModel.DIR.toString(),
                "--out", dir.resolve("o").toString());
        FlagErrorsTest.assertBadInput(r, "cannot connect");
    }

    @Test
    void tooManySamplesIsBadInput() {
        Cli r = Cli.run("demo", "--samples", "1000000", "--model", TestModel.DIR.toString());
        FlagErrorsTest.assertBadInput(r, "--samples");
    }
}
