package io.splitee.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.EnergyEstimates;
import io.splitee.linkproxy.LinkProfile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostProfileTest {

    @TempDir
    Path dir;

    @Test
    void readsTheHandProfile() throws Exception {
        CostProfile p = CostProfile.read(TraceFiles.write(dir, "p.json", ProfileFiles.HAND));
        assertEquals(2, p.blocks());
        assertEquals(1000, p.wire("small").rawBytes());
        assertEquals(300, p.wire("small").featureBytes()[1]);
        assertEquals(8_000_000, p.link().orElseThrow().bitsPerSecond());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.wire("fp16"));
        assertTrue(e.getMessage().contains("big, small"), e.getMessage());
    }

    @Test
    void estimatesArePreloaded() throws Exception {
        CostProfile p = CostProfile.read(TraceFiles.write(dir, "p.json", ProfileFiles.HAND));
        CostEstimates e = p.estimates(p.link().orElseThrow(), 2.0);
        assertTrue(e.deviceMeasured());
        assertEquals(3.0, e.deviceMs(1), 1e-12);           // (1 + 0.5) × 2
        assertEquals(7.0, e.deviceMs(2), 1e-12);           // (1 + 2 + 0.5) × 2
        assertEquals(0.7, e.gatewayMs(1), 1e-12);          // 0.2 + 0.4 + 0.1, not slowed
        assertEquals(0.5, e.gatewayMs(2), 1e-12);
        assertEquals(10.0 + 1.0, e.linkMs(1000), 1e-9);    // rtt + 1000 B at 1000 B/ms
        CostEstimates unlimited = p.estimates(LinkProfile.NONE, 1.0);
        assertEquals(0.0, unlimited.linkMs(1_000_000), 1e-6);
    }

    @Test
    void badFieldsAreNamedWithTheFile() throws Exception {
        assertBad("\"exit_ms\": [0.5, 0.5]", "\"exit_ms\": [0.5]", "device.exit_ms: has 1 entries, expected 2");
        assertBad("\"block_ms\": [1.0, 2.0]", "\"block_ms\": [1.0, -2.0]", "device.block_ms[1]: -2.0 must be");
        assertBad("\"raw\": 1000, \"features\": [5000, 5000]", "\"features\": [5000, 5000]", "wire.big.raw: missing");
        assertBad("\"rtt_ms\": 10", "\"rtt_ms\": \"ten\"", "link.rtt_ms: missing or not a number");
        assertBad("\"schema\": 1", "\"schema\": 2", "schema: 2 is not supported");
        assertBad("\"gateway\": {", "\"gw\": {", "gateway: missing or not an object");
        Path array = TraceFiles.write(dir, "array.json", "[1, 2]");
        assertEquals("cost profile " + array + ": must be a JSON object",
                assertThrows(ProfileException.class, () -> CostProfile.read(array)).getMessage());
        Path broken = TraceFiles.write(dir, "broken.json", "{\"schema\": ");
        assertTrue(assertThrows(ProfileException.class, () -> CostProfile.read(broken)).getMessage()
                .startsWith("cost profile " + broken + ": not valid JSON"));
        ProfileException e = assertThrows(ProfileException.class, () -> CostProfile.read(dir.resolve("none.json")));
        assertEquals("cost profile " + dir.resolve("none.json") + ": no such file", e.getMessage());
    }

    private void assertBad(String from, String to, String expected) throws Exception {
        String text = ProfileFiles.HAND.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to));
        assertTrue(!text.equals(ProfileFiles.HAND), "test edit did not apply: " + from);
        Path f = TraceFiles.write(dir, "bad.json", text);
        ProfileException e = assertThrows(ProfileException.class, () -> CostProfile.read(f));
        assertTrue(e.getMessage().startsWith("cost profile " + f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aProfileWithEnergyRoundTripsAndPreloadsTheLiveEnergyEstimates() throws Exception {
        CostProfile p = CostProfile.read(TraceFiles.write(dir, "e.json", ProfileFiles.HAND_ENERGY));
        CostProfile.Energy e = p.energy().orElseThrow();
        assertArrayEquals(new double[] {2, 4}, e.blockMj());
        assertArrayEquals(new double[] {1, 1}, e.exitMj());
        assertEquals(0.01, e.linkMjPerByte());
        assertFalse(e.estimated());
        assertEquals("hand-made", e.source());
        EnergyEstimates live = p.energyEstimates(2.0);
        assertEquals((2 + 1) * 2.0, live.deviceMj(1, false), 1e-12);
        assertEquals((2 + 1 + 4 + 1) * 2.0, live.deviceMj(2, true), 1e-12);

        for (CostProfile original : new CostProfile[] {p, p.withoutEnergy()}) {
            Path f = dir.resolve("written.json");
            original.write(f);
            CostProfile back = CostProfile.read(f);
            assertArrayEquals(original.device().blockMs(), back.device().blockMs());
            assertArrayEquals(original.device().exitMs(), back.device().exitMs());
            assertArrayEquals(original.gateway().blockMs(), back.gateway().blockMs());
            assertEquals(original.gateway().exitMs(), back.gateway().exitMs());
            assertEquals(original.wire().keySet(), back.wire().keySet());
            original.wire().forEach((k, w) -> {
                assertEquals(w.rawBytes(), back.wire(k).rawBytes());
                assertArrayEquals(w.featureBytes(), back.wire(k).featureBytes());
            });
            assertEquals(original.link(), back.link());
            assertEquals(original.energy().isPresent(), back.energy().isPresent());
            if (original.energy().isPresent()) {
                CostProfile.Energy a = original.energy().get();
                CostProfile.Energy b = back.energy().get();
                assertArrayEquals(a.blockMj(), b.blockMj());
                assertArrayEquals(a.exitMj(), b.exitMj());
                assertEquals(a.linkMjPerByte(), b.linkMjPerByte());
                assertEquals(a.estimated(), b.estimated());
                assertEquals(a.source(), b.source());
            }
        }
        assertTrue(CostProfile.read(TraceFiles.write(dir, "p.json", ProfileFiles.HAND)).energy().isEmpty(),
                "a profile from before energy still loads");
        assertThrows(IllegalArgumentException.class, () -> p.withoutEnergy().energyEstimates(1));
    }

    @Test
    void badEnergyFieldsAreNamed() throws Exception {
        String good = ProfileFiles.HAND_ENERGY;
        String[][] cases = {
            {"\"exit_mj\": [1.0, 1.0]", "\"exit_mj\": [1.0]", "energy.exit_mj: has 1 entries, expected 2"},
            {"\"block_mj\": [2.0, 4.0]", "\"block_mj\": [2.0, 4.0, 1.0]", "energy.block_mj: has 3 entries, expected 2"},
            {"\"link_mj_per_byte\": 0.01", "\"link_mj_per_byte\": -1", "energy.link_mj_per_byte: -1.0 must be"},
            {"\"estimated\": false", "\"estimated\": \"no\"", "energy.estimated: not true or false"},
        };
        for (String[] c : cases) {
            String text = good.replace(c[0], c[1]);
            assertTrue(!text.equals(good), "test edit did not apply: " + c[0]);
            Path f = TraceFiles.write(dir, "bad-energy.json", text);
            ProfileException e = assertThrows(ProfileException.class, () -> CostProfile.read(f));
            assertTrue(e.getMessage().startsWith("cost profile " + f + ": " + c[2]), e.getMessage());
        }
    }

    /** The shipped profile's energy is (load − idle) × its own times, with the powers it cites. */
    @Test
    void theShippedProfilesEnergyIsDerivedFromTheCitedPowerFigures() throws Exception {
        Path shipped = Path.of("../models/fmnist-resnet12/profiles/x86-vm.json");
        CostProfile p = CostProfile.read(shipped);
        CostProfile.Energy e = p.energy().orElseThrow();
        assertTrue(e.estimated(), "marked as estimated until a board measures its own");
        assertTrue(e.source().contains("https://www.pidramble.com/wiki/benchmarks/power-consumption")
                && e.source().contains("http://kunz-pc.sce.carleton.ca/"), e.source());
        com.fasterxml.jackson.databind.JsonNode energy = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(shipped.toFile()).get("energy");
        double idle = energy.get("idle_w").asDouble();
        double load = energy.get("load_w").asDouble();
        assertEquals(2.7, idle);
        assertEquals(6.4, load);
        CostProfile.Energy derived = CostProfile.Energy.estimated(idle, load, p.device(), e.linkMjPerByte(), "");
        assertArrayEquals(derived.blockMj(), e.blockMj(), 1e-6);
        assertArrayEquals(derived.exitMj(), e.exitMj(), 1e-6);
        assertEquals(0.0019, e.linkMjPerByte());
        assertEquals(3.7 * 0.0999, e.blockMj()[1], 1e-6);
    }
}
