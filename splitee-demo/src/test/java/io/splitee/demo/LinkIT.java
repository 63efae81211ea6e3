package io.splitee.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link matters: with measured costs the device's SplitEE offloads less and computes deeper on the
 * device behind a constrained link (250 kbit/s, 150 ms round trip) than behind no shaping at all, because
 * every offload's measured link time enters its cost. The weights are set to 0.01 per ms: at the
 * default 0.1 per ms latency decides, and a device as fast as the test machine answers deep on the device
 * behind either link (an offload never saves it time), so the link could not move the arm.
 */
class LinkIT {
    /**
     * Enough samples that the "none" run records its link after the CostEstimates.WARM_UP_OFFLOADS (32)
     * answered offloads the device does not record (150 gave about 36 offloads in all).
     */
    private static final int SAMPLES = 300;

    @TempDir
    Path dir;

    JsonNode run(String link) throws Exception {
        return run(link, "splitee", SAMPLES);
    }

    JsonNode run(String link, String policy, int samples) throws Exception {
        Path out = dir.resolve((link + "-" + policy).replace(':', '_'));
        Cli r = Cli.run("demo", "--samples", Integer.toString(samples), "--rate", "10", "--cost", "measured", "--link", link,
                "--policy", policy, "--board", "none",
                "--set", "cost.weight.device-ms=0.01", "--set", "cost.weight.link-ms=0.01",
                "--model", TestModel.DIR.toString(), "--out", out.toString());
        assertEquals(0, r.code, r.toString());
        return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void spliteeOffloadsLessBehindAConstrainedLink() throws Exception {
        JsonNode none = run("none");
        JsonNode constrained = run("constrained");
        JsonNode liveNone = DemoIT.policy(none, "splitee (live)");
        JsonNode liveConstrained = DemoIT.policy(constrained, "splitee (live)");
        double shareNone = liveNone.get("offload_share").asDouble();
        double shareConstrained = liveConstrained.get("offload_share").asDouble();
        double rttNone = none.get("measured").get("link_rtt_ms").asDouble();
        double rttConstrained = constrained.get("measured").get("link_rtt_ms").asDouble();
        String numbers = "offload share none " + shareNone + " / constrained " + shareConstrained + ", mean arm "
                + liveNone.get("mean_arm").asDouble() + " / " + liveConstrained.get("mean_arm").asDouble()
                + ", measured RTT " + rttNone + " / " + rttConstrained + " ms";
        System.out.println("LinkIT: " + numbers);
        assertTrue(rttConstrained > rttNone + 100, "the device measured the link: " + numbers);
        assertTrue(shareNone > shareConstrained, "the device offloads less behind the constrained link: " + numbers);
        // a whole arm deeper on average (2.2 on a quiet machine; 1.3 seen on a loaded one, where the loopback
        // link's own round trip rose to 14 ms and made offloading dearer in the "none" run too)
        assertTrue(liveConstrained.get("mean_arm").asDouble() > liveNone.get("mean_arm").asDouble() + 1.0,
                "and settles deeper in the network: " + numbers);
        assertEquals(SAMPLES, liveConstrained.get("samples").asInt(), "and still answers every sample");
    }

    /**
     * A policy that never offloads still has the link measured, by the warm-up probes (one per 100 ms until the
     * link is measured, GatewayBreaker.WARM_UP_PROBE_INTERVAL): before them, the 32 warm-up answers took 32 probe
     * intervals of 10 s, and such a run ended with the assumed link (exactly 10 ms), so its report priced every
     * offload row with an assumption.
     */
    @Test
    void aPolicyThatNeverOffloadsStillMeasuresTheLink() throws Exception {
        // 100 ms round trip, bandwidth to spare (the constrained profile's 250 kbit/s is filled by the samples
        // themselves at this rate, and its probes miss the 500 ms deadline)
        JsonNode run = run("20000kbit:100ms", "early-exit", 100);
        JsonNode live = DemoIT.policy(run, "early-exit (live)");
        double rtt = run.get("measured").get("link_rtt_ms").asDouble();
        System.out.println("LinkIT: early-exit behind a 100 ms link measured RTT " + rtt + " ms");
        assertEquals(0.0, live.get("offload_share").asDouble(), "the policy keeps every sample on the device");
        assertTrue(rtt > 50 && rtt < 400, "answered probes measured the 100 ms link (not the assumed 10 ms, "
                + "nor a missed 500 ms deadline): " + rtt + " ms");
        assertEquals(100, live.get("samples").asInt(), "and every sample is answered");
    }
}
