package io.splitee.demo.report;

import java.util.Objects;

/**
 * The device's own cost measurements at the end of a run (its cost estimates, as its metrics registry
 * shows them: {@code splitee.device.cost.block.ms{block}}, {@code splitee.device.cost.link.rtt.ms},
 * {@code splitee.device.cost.link.throughput.bytes.per.ms}).
 *
 * @param source              where the numbers come from, for the report
 * @param blockMs             smoothed compute time of each block on the device, index 0 = block 1
 * @param roundTripMs         smoothed link round trip (device to gateway and back, without the gateway's compute)
 * @param throughputBytesPerMs smoothed link throughput
 */
record Measured(String source, double[] blockMs, double roundTripMs, double throughputBytesPerMs) {
    /** Validates and copies. */
    public Measured {
        Objects.requireNonNull(source, "source");
        blockMs = blockMs.clone();
    }

    @Override
    public double[] blockMs() {
        return blockMs.clone();
    }

    /** Device compute of blocks 1..L together. */
    public double totalBlockMs() {
        double s = 0;
        for (double b : blockMs) {
            s += b;
        }
        return s;
    }
}
