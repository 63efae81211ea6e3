package io.splitee.bench;

import io.splitee.engine.EngineConfig;
import io.splitee.engine.Outcome;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Policies;
import io.splitee.engine.Policy;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The engine's decision cost per sample at L = 12: {@code choose()}, building the
 * {@link Outcome} (which copies and validates the 12 confidences) and {@code record()}, as the
 * device pays it per sample. {@code final} (no UCB, no side updates) is the floor; the outcomes
 * carry every confidence, so SplitEE-S does all its side updates (its worst case).
 *
 * <pre>java -jar benchmarks/target/splitee-benchmarks.jar EngineBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBenchmark {

    private static final int EXITS = 12;
    private static final int SAMPLES = 1 << 12;

    @Param({"splitee", "splitee-s", "final"})
    public String policy;

    private double[][] rows;
    private EngineConfig config;
    private Policy engine;
    private int next;

    /**
     * Synthetic confidences: each sample has a difficulty d ~ U(0, 1); C_i rises with depth
     * towards 1 − 0.3·d, so easy samples exit early and hard ones offload: the UCB settles on a
     * middle arm, and a share of samples are offloaded, as on the real traces.
     */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(1);
        rows = new double[SAMPLES][EXITS];
        for (double[] row : rows) {
            double d = random.nextDouble();
            for (int i = 0; i < EXITS; i++) {
                double depth = (i + 1) / (double) EXITS;
                double c = (1 - 0.3 * d) * (0.4 + 0.6 * Math.sqrt(depth)) + 0.05 * (random.nextDouble() - 0.5);
                row[i] = Math.max(0, Math.min(1, c));
            }
        }
        config = new EngineConfig(EXITS, 0.8, new PaperCost(0.01, 0.3));
        engine = Policies.parse(policy, config);
        next = 0;
    }

    /** One sample: choose, build the outcome, record. */
    @Benchmark
    public int chooseAndRecord() {
        double[] row = rows[next++ & (SAMPLES - 1)];
        int arm = engine.choose().arm();
        engine.record(new Outcome(arm, config.offloads(arm, row[arm - 1]), row));
        return arm;
    }
}
