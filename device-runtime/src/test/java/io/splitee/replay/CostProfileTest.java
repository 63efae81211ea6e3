package io.splitee.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.cost.CostEstimates;
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
}
