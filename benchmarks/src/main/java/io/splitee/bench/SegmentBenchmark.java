package io.splitee.bench;

import io.splitee.model.ModelPackage;
import io.splitee.model.ModelPackageException;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Harness: the cost of running the network in segments (one ONNX Runtime session per block and
 * per exit) against the fused whole-network graph computing the same L exits' logits. One sample
 * at a time, one intra-op thread (so all work runs on the calling thread). Four variants run
 * interleaved sample by sample, in rotating order, so that machine noise hits all alike:
 * <ul>
 *   <li>fused: {@code runFused}, one session run;
 *   <li>segmented: {@code runBlocks(i, i)} then {@code runExit(i)} for i = 1..L (2L runs);
 *   <li>step: {@code runBlockWithExit(i)} for i = 1..L, the device's path (2L runs, one copy fewer);
 *   <li>profiled: the segmented variant again with every call timed, for per-block and per-exit
 *       latencies (its total is not used, the clock reads would bias it).
 * </ul>
 * Totals are measured as wall time and as the thread's CPU time; on a shared machine the CPU time
 * ignores the time the thread was preempted, so its ratios are the steadier ones. Prints Markdown.
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.SegmentBenchmark \
 *     [--model models/fmnist-resnet12] [--samples 100] [--rounds 20] [--warmup 5] [--optimisation ALL]
 * </pre>
 */
public final class SegmentBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SegmentBenchmark() {
    }

    /**
     * Runs the benchmark and prints the report.
     *
     * @param args {@code --model DIR --samples N --rounds R --warmup W --optimisation LEVEL}
     */
    public static void main(String[] args) {
        Path model = Path.of("models/fmnist-resnet12");
        int samples = 100;
        int rounds = 20;
        int warmup = 5;
        RunnerConfig.Optimisation optimisation = RunnerConfig.Optimisation.ALL;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--model" -> model = Path.of(required(args[i], value));
                    case "--samples" -> samples = positive(args[i], required(args[i], value));
                    case "--rounds" -> rounds = positive(args[i], required(args[i], value));
                    case "--warmup" -> warmup = positive(args[i], required(args[i], value));
                    case "--optimisation" -> optimisation = optimisation(required(args[i], value));
                    case "--help", "-h" -> {
                        System.out.println("usage: SegmentBenchmark [--model DIR] [--samples N] [--rounds R] [--warmup W]"
                                + " [--optimisation NONE|BASIC|EXTENDED|ALL]");
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (!THREADS.isCurrentThreadCpuTimeSupported()) {
                throw new IllegalArgumentException("this JVM cannot measure thread CPU time");
            }
            THREADS.setThreadCpuTimeEnabled(true);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(model, samples, rounds, warmup, optimisation);
        } catch (ModelPackageException e) {
            System.err.println("error: cannot load the model package: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static int positive(String option, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(option + " needs a positive integer, got " + value);
    }

    private static RunnerConfig.Optimisation optimisation(String value) {
        try {
            return RunnerConfig.Optimisation.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--optimisation needs one of "
                    + Arrays.toString(RunnerConfig.Optimisation.values()) + ", got " + value);
        }
    }

    /** Wall and CPU nanoseconds of one variant, one entry per measured sample. */
    private static final class Times {
        final long[] wall;
        final long[] cpu;

        Times(int n) {
            wall = new long[n];
            cpu = new long[n];
        }
    }

    private static void run(Path model, int samples, int rounds, int warmup, RunnerConfig.Optimisation optimisation)
            throws ModelPackageException {
        ModelPackage pkg = ModelPackage.load(model);
        int n = Math.min(samples, pkg.samples().count());
        RunnerConfig config = RunnerConfig.defaults().withFused(true).withOptimisation(optimisation);
        try (OrtSegmentRunner runner = OrtSegmentRunner.open(pkg, config)) {
            int depth = runner.depth();
            int classes = runner.classes();
            FloatBuffer[] inputs = new FloatBuffer[n];
            for (int s = 0; s < n; s++) {
                inputs[s] = direct(runner.activationSize(0));
                pkg.manifest().input().normalise(pkg.samples().image(s), inputs[s]);
            }
            FloatBuffer[] act = new FloatBuffer[depth + 1];
            for (int b = 1; b <= depth; b++) {
                act[b] = direct(runner.activationSize(b));
            }
            float[] logits = new float[classes];
            float[] fusedLogits = new float[depth * classes];
            float[] segLogits = new float[depth * classes];
            float[] stepLogits = new float[depth * classes];

            int total = rounds * n;
            Times fused = new Times(total);
            Times segmented = new Times(total);
            Times step = new Times(total);
            long[][] block = new long[depth][total];
            long[][] exit = new long[depth][total];
            double maxDiff = 0;
            for (int r = -warmup; r < rounds; r++) {
                for (int s = 0; s < n; s++) {
                    int k = r < 0 ? 0 : r * n + s;
                    for (int v = 0; v < 4; v++) {
                        int variant = (r + warmup + s + v) % 4;
                        long w0 = System.nanoTime();
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        Times times;
                        switch (variant) {
                            case 0 -> {
                                runner.runFused(inputs[s], fusedLogits);
                                times = fused;
                            }
                            case 1 -> {
                                FloatBuffer in = inputs[s];
                                for (int b = 1; b <= depth; b++) {
                                    runner.runBlocks(b, b, in, act[b]);
                                    runner.runExit(b, act[b], logits);
                                    System.arraycopy(logits, 0, segLogits, (b - 1) * classes, classes);
                                    in = act[b];
                                }
                                times = segmented;
                            }
                            case 2 -> {
                                FloatBuffer in = inputs[s];
                                for (int b = 1; b <= depth; b++) {
                                    runner.runBlockWithExit(b, in, act[b], logits);
                                    System.arraycopy(logits, 0, stepLogits, (b - 1) * classes, classes);
                                    in = act[b];
                                }
                                times = step;
                            }
                            default -> {
                                FloatBuffer in = inputs[s];
                                for (int b = 1; b <= depth; b++) {
                                    long a = System.nanoTime();
                                    runner.runBlocks(b, b, in, act[b]);
                                    long c = System.nanoTime();
                                    runner.runExit(b, act[b], logits);
                                    long d = System.nanoTime();
                                    block[b - 1][k] = c - a;
                                    exit[b - 1][k] = d - c;
                                    in = act[b];
                                }
                                times = null;
                            }
                        }
                        long c1 = THREADS.getCurrentThreadCpuTime();
                        long w1 = System.nanoTime();
                        if (times != null) {
                            times.wall[k] = w1 - w0;
                            times.cpu[k] = c1 - c0;
                        }
                    }
                    for (int i = 0; i < fusedLogits.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(fusedLogits[i] - segLogits[i]));
                        maxDiff = Math.max(maxDiff, Math.abs(fusedLogits[i] - stepLogits[i]));
                    }
                }
            }
            report(pkg, runner, optimisation, n, rounds, warmup, fused, segmented, step, block, exit, maxDiff);
        }
    }

    private static void report(ModelPackage pkg, OrtSegmentRunner runner, RunnerConfig.Optimisation optimisation,
            int n, int rounds, int warmup, Times fused, Times segmented, Times step, long[][] block, long[][] exit,
            double maxDiff) {
        int depth = runner.depth();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "model %s %s (%s), manifest sha256 %s%n", pkg.manifest().id(),
                pkg.manifest().version(), pkg.directory(), pkg.manifestSha256()));
        out.append(String.format(Locale.ROOT, "%d samples x %d rounds (after %d warm-up rounds), 1 intra-op thread,"
                + " graph optimisation %s, variants interleaved; java %s, %d cpus, %s %s%n", n, rounds, warmup,
                optimisation, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch")));
        out.append(String.format(Locale.ROOT, "max |logit difference| segmented vs fused: %.3g%n%n", maxDiff));
        out.append("| variant (all ").append(depth).append(" exits, one sample) | wall median µs | wall p90 µs"
                + " | CPU median µs | CPU mean µs | ratio to fused: wall medians | CPU medians | CPU means"
                + " | median per-sample CPU ratio |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        row(out, "fused graph (1 run)", fused, fused);
        row(out, "segmented: runBlocks(i,i) + runExit(i) (" + 2 * depth + " runs)", segmented, fused);
        row(out, "step: runBlockWithExit(i) (" + 2 * depth + " runs)", step, fused);
        out.append("\n| i | block i median µs | exit i median µs | block i output shape | bytes per sample |\n");
        out.append("|---:|---:|---:|---|---:|\n");
        out.append(String.format(Locale.ROOT, "| 0 (input) | | | %s | %d |%n",
                Arrays.toString(pkg.manifest().input().tensor().shape()), 4L * runner.activationSize(0)));
        double blockSum = 0;
        double exitSum = 0;
        for (int b = 1; b <= depth; b++) {
            double bm = median(block[b - 1]);
            double em = median(exit[b - 1]);
            blockSum += bm;
            exitSum += em;
            out.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %s | %d |%n", b, bm / 1e3, em / 1e3,
                    Arrays.toString(pkg.manifest().block(b).output().shape()), 4L * runner.activationSize(b)));
        }
        out.append(String.format(Locale.ROOT, "| sum | %.1f | %.1f | | |%n", blockSum / 1e3, exitSum / 1e3));
        System.out.print(out);
    }

    private static void row(StringBuilder out, String name, Times t, Times fused) {
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.3f | %.3f | %.3f | %.3f |%n", name,
                median(t.wall) / 1e3, percentile(t.wall, 0.9) / 1e3, median(t.cpu) / 1e3, mean(t.cpu) / 1e3,
                median(t.wall) / median(fused.wall), median(t.cpu) / median(fused.cpu), mean(t.cpu) / mean(fused.cpu),
                medianRatio(t.cpu, fused.cpu)));
    }

    private static double medianRatio(long[] a, long[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (double) a[i] / Math.max(1, b[i]);
        }
        Arrays.sort(r);
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    private static double median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static double percentile(long[] t, double p) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s[(int) Math.round(p * (s.length - 1))];
    }

    private static double mean(long[] t) {
        return Arrays.stream(t).average().orElse(Double.NaN);
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
