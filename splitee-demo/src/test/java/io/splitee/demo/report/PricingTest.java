package io.splitee.demo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.replay.Trace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PricingTest {
    private static final Trace TRACE = Synthetic.trace(200, 4, 2);
    private static final int[] ROWS = IntStream.range(0, 200).toArray();
    private static final Settings PAPER = new Settings(0.01, 0.3, 0.8, 1, 1);
    private static final Pricing MEASURED = Pricing.measured("test", new double[] {Double.NaN, 0.1, 0.2, 0.3, 0.4},
            new double[] {0.35, 0.15, 0.25, 0.45, Double.NaN});

    @Test
    void aReportWhoseRowsArePricedDifferentlyIsRefused() {
        PolicyRun live = Baselines.of(TRACE, ROWS, PAPER.withPricing(MEASURED)).replay("splitee", "splitee (live)", "x");
        List<PolicyRun> paperRows = Baselines.of(TRACE, ROWS, PAPER).standard("splitee");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Report("t", Map.of(), live,
                paperRows, Optional.empty(), List.of()));
        assertTrue(e.getMessage().contains("priced the same way") && e.getMessage().contains("measured cost units")
                && e.getMessage().contains("paper units"), e.getMessage());
    }

    @Test
    void everyRowOfABuiltReportIsInItsUnitAndPricedByIt() {
        Report r = Report.builder("t", PAPER).pricing(MEASURED).trace(TRACE, ROWS)
                .replay("splitee", "splitee (replay)", "x").build();
        assertEquals(MEASURED.unit(), r.unit());
        for (PolicyRun p : r.all()) {
            assertEquals(MEASURED.unit(), p.unit(), p.name());
            for (Step s : p.steps()) {
                assertEquals(MEASURED.model().cost(s.arm(), s.offloaded()), s.cost(), 1e-12, p.name());
            }
        }
        PolicyRun raw = r.all().stream().filter(p -> p.name().equals("offload all raw")).findFirst().orElseThrow();
        assertEquals(200 * 0.35, raw.cost(), 1e-9, "the raw sample's measured offload price");
        assertTrue(r.summary().startsWith("every row priced in measured cost units (test)"), r.summary());
    }

    @Test
    void pricingIsGivenBeforeTheTrace() {
        Report.Builder b = Report.builder("t", PAPER).trace(TRACE, ROWS);
        assertThrows(IllegalStateException.class, () -> b.pricing(MEASURED));
    }
}
