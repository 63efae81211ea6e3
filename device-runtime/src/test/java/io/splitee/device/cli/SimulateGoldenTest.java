package io.splitee.device.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.splitee.model.TestPackages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code simulate --json} prints byte for byte what it printed before the redesign of the engine's
 * interface (issue 13: plans, one executor), for every policy on every shipped trace, in paper mode
 * at two settings and in measured mode over LTE. The digests in {@code golden/simulate-sha256.txt}
 * were recorded from the jar built before that change; a deliberate change of behaviour must say so
 * and record them again.
 *
 * <p>The one deliberate change of issue 13: {@code simulate --cost-profile} without {@code --ucb-c}
 * now explores with the device's measured-mode default c = 0.5 (it used 1, so it replayed another
 * policy than the daemon it predicts). The measured cases pass {@code --ucb-c 1}, the value they
 * were recorded with; {@link #measuredDefaultIsTheDevicesDefault} checks the new default.
 *
 * <p>Issue 14 made measured mode price at choice time by default ({@code --pricing choice}, the daemon's way;
 * {@code --pricing record} is the old way). The measured cases keep their digests under the new default: none has
 * a change of link or device (so every price is the same when recorded and when chosen) and none has a change
 * detector (which watches priced rewards in one way and confidence terms in the other), so the play is the same
 * sample for sample. {@link #recordPricingPrintsTheSame} checks the old way still prints the recorded digests.
 */
class SimulateGoldenTest {
    private static final String[] POLICIES = {"splitee", "splitee-s", "final", "fixed:3", "random", "early-exit"};

    static Stream<Arguments> cases() throws IOException {
        Map<String, String> golden = new LinkedHashMap<>();
        try (InputStream in = SimulateGoldenTest.class.getResourceAsStream("/golden/simulate-sha256.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] kv = line.split(" ");
                    golden.put(kv[0], kv[1]);
                }
            }
        }
        Path model = TestPackages.realPackageDir();
        Path profile;
        try (Stream<Path> s = Files.list(model.resolve("profiles"))) {
            profile = s.sorted().findFirst().orElseThrow();
        }
        List<Arguments> out = new ArrayList<>();
        List<Path> traces;
        try (Stream<Path> s = Files.list(model.resolve("traces"))) {
            traces = s.sorted().toList();
        }
        for (Path t : traces) {
            String name = t.getFileName().toString().replace(".csv.gz", "");
            for (String p : POLICIES) {
                out.add(Arguments.of(name + "-" + p + "-paper", golden.get(name + "-" + p + "-paper"), new String[] {
                        "simulate", "--trace", t.toString(), "--policy", p, "--lambda", "0.01", "--offload-cost", "0.1",
                        "--threshold", "0.8", "--json"}));
                out.add(Arguments.of(name + "-" + p + "-paper2", golden.get(name + "-" + p + "-paper2"), new String[] {
                        "simulate", "--trace", t.toString(), "--policy", p, "--lambda", "0.1", "--offload-cost", "0.3",
                        "--threshold", "0.7", "--ucb-c", "0.5", "--seed", "3", "--json"}));
                out.add(Arguments.of(name + "-" + p + "-measured", golden.get(name + "-" + p + "-measured"), new String[] {
                        "simulate", "--trace", t.toString(), "--policy", p, "--cost-profile", profile.toString(),
                        "--link", "lte", "--threshold", "0.8", "--ucb-c", "1", "--json"}));
            }
        }
        assertEquals(golden.size(), out.size(), "one golden digest per case");
        return out.stream();
    }

    @Test
    void measuredDefaultIsTheDevicesDefault() throws IOException {
        Path model = TestPackages.realPackageDir();
        String trace = model.resolve("traces/clean.csv.gz").toString();
        String profile = model.resolve("profiles/x86-vm.json").toString();
        String[] base = {"simulate", "--trace", trace, "--policy", "splitee-s", "--cost-profile", profile, "--link",
                "lte", "--threshold", "0.8", "--json"};
        Cli unset = Cli.run(base);
        String[] half = java.util.Arrays.copyOf(base, base.length + 2);
        half[base.length] = "--ucb-c";
        half[base.length + 1] = String.valueOf(io.splitee.device.config.DeviceConfig.PolicyConfig.MEASURED_UCB_C);
        assertEquals(0, unset.code(), unset.err());
        assertEquals(Cli.run(half).out(), unset.out());
        assertEquals(0.5, io.splitee.device.config.DeviceConfig.PolicyConfig.MEASURED_UCB_C);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void recordPricingPrintsTheSame(String name, String sha256, String[] args) throws NoSuchAlgorithmException {
        if (!name.endsWith("-measured")) {
            return;
        }
        String[] record = java.util.Arrays.copyOf(args, args.length + 2);
        record[args.length] = "--pricing";
        record[args.length + 1] = "record";
        simulatePrintsWhatItPrintedBefore(name, sha256, record);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void simulatePrintsWhatItPrintedBefore(String name, String sha256, String[] args) throws NoSuchAlgorithmException {
        Cli r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(r.out().getBytes(StandardCharsets.UTF_8)));
        assertEquals(sha256, digest, name + " printed " + r.out());
    }
}
