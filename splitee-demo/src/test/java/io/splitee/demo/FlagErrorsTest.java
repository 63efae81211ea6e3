package io.splitee.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad flags: exit code 2 and one line on stderr that names the flag; no stack trace; nothing started. */
class FlagErrorsTest {
    @TempDir
    Path dir;

    static void assertBadInput(Cli r, String mustMention) {
        assertEquals(2, r.code, r.toString());
        String err = r.err.strip();
        assertEquals(1, err.lines().count(), "one line: " + r);
        assertTrue(err.contains(mustMention), "mentions " + mustMention + ": " + r);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + r);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--rate 0                 | --rate",
        "--rate fast              | --rate",
        "--threshold 1.5          | --threshold",
        "--threshold 0            | --threshold",
        "--lambda -0.1            | --lambda",
        "--offload-cost NaN       | --offload-cost",
        "--ucb-c -1               | --ucb-c",
        "--policy greedy          | --policy",
        "--policy fixed:0         | --policy",
        "--distortion fog         | --distortion",
        "--link moon              | --link",
        "--cost cheap             | --cost",
        "--qos 2                  | --qos",
        "--broker http://x:1883   | --broker",
        "--broker tcp://nohostport| --broker",
        "--samples                | --samples",
        "--board 0.5              | --board",
        "--board pi9              | --board",
        "--board pi5              | --board",
        "--scenario moon          | --scenario",
        "--frobnicate             | --frobnicate",
    })
    void demoRejectsBadFlags(String flags, String mention) {
        String[] args = ("demo " + flags.strip()).split(" +");
        assertBadInput(Cli.run(args), mention);
    }

    @Test
    void aMissingModelPackageIsNamed() {
        Cli r = Cli.run("demo", "--model", dir.resolve("nowhere").toString());
        assertBadInput(r, "--model");
    }

    @Test
    void aDeviceKeyIsHandledAsTheDeviceHandlesIt() {
        String model = TestModel.DIR.toString();
        assertBadInput(Cli.run("demo", "--model", model, "--policy", "fixed:99"), "--policy");
        assertBadInput(Cli.run("demo", "--model", model, "--set", "policy=fixed:0"), "policy: ");
        assertBadInput(Cli.run("demo", "--model", model, "--set", "nope=1"), "nope: unknown key");
        assertBadInput(Cli.run("demo", "--model", model, "--cost", "paper", "--set", "cost.weight.link-ms=0.01"),
                "cost.weight.link-ms: set (from command line) but cost.mode is paper");
        assertBadInput(Cli.run("demo", "--model", model, "--cost", "measured", "--set", "cost.lambda=0.02"),
                "cost.lambda: set (from command line) but cost.mode is measured");
        assertBadInput(Cli.run("demo", "--model", model, "--set", "device.id=a/b"), "device.id: ");
    }

    @Test
    void reportNeedsExactlyOneInput() throws Exception {
        assertBadInput(Cli.run("report"), "--trace");
        Path f = Files.writeString(dir.resolve("r.jsonl"), "", StandardCharsets.UTF_8);
        assertBadInput(Cli.run("report", "--trace", f.toString(), "--results", f.toString()), "mutually exclusive");
    }

    @Test
    void reportNamesABadResultsLine() throws Exception {
        Path f = Files.writeString(dir.resolve("r.jsonl"), "\n{\"schema\": 1}\n", StandardCharsets.UTF_8);
        assertBadInput(Cli.run("report", "--results", f.toString(), "--out", dir.resolve("o").toString()), "line 2");
        assertBadInput(Cli.run("report", "--results", dir.resolve("missing.jsonl").toString()), "no such file");
    }

    @Test
    void reportNamesABadTrace() throws Exception {
        Path f = Files.writeString(dir.resolve("t.csv"), "conf_1,pred_1\n2.0,1\n", StandardCharsets.UTF_8);
        Cli r = Cli.run("report", "--trace", f.toString(), "--out", dir.resolve("o").toString());
        assertBadInput(r, "t.csv");
    }

    @Test
    void publishRejectsBadFlagsAndAnUnreachableBroker() throws Exception {
        assertBadInput(Cli.run("publish", "--device", "cam1"), "--broker");
        assertBadInput(Cli.run("publish", "--broker", "tcp://127.0.0.1:1", "--device", "cam/1"), "--device");
        Cli dotted = Cli.run("publish", "--broker", "tcp://127.0.0.1:1", "--device", "cam.1", "--qos", "3");
        assertBadInput(dotted, "--qos"); // a '.' in the device id passes, as on the wire
        assertBadInput(Cli.run("publish", "--broker", "tcp://127.0.0.1:1", "--device", "cam1", "--qos", "3"), "--qos");
        Files.write(dir.resolve("a.png"), new byte[] {1, 2, 3});
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli r = Cli.run("publish", "--broker", "tcp://127.0.0.1:" + port, "--device", "cam1", "--images", dir.toString());
        assertBadInput(r, "cannot connect");
    }

    @Test
    void noSubcommandIsBadInput() {
        assertBadInput(Cli.run(), "subcommand");
    }
}
