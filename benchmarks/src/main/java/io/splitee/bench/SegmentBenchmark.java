package io.splitee.bench;

import io.splitee.model.ModelPackage;
import io.splitee.model.ModelPackageException;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Harness: the cost of running the network in segments (one ONNX Runtime session per block and
 * per exit) against the fused whole-network graph computing the same 12 exits' logits. One sample
 * at a time, one intra-op thread, the three variants interleaved sample by sample in rotating
 * order so that machine noise hits all of them alike:
 * <ul>
 *   <li>fused: {@code runFused} (one session run);
 *   <li>segmented: {@code runBlocks(i, i)} then {@code runExit(i)} for i = 1..L, each call timed
 *       (2L session runs; gives the per-block and per-exit latencies);
 *   <li>step: {@code runBlockWithExit(i)} for i = 1..L, the device's path (2L session runs, one
 *       copy fewer per step).
 * </ul>
 * Prints a Markdown report (medians in microseconds, per-boundary tensor bytes).
 *
 * <pre>
 * java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.SegmentBenchmark \
 *     [--model models/fmnist-resnet12] [--samples 100] [--rounds 20] [--warmup 5] [--optimisation ALL]
 * </pre>
 */
public final class SegmentBenchmark {

    private SegmentBenchmark() {
    }

    /**
     * Runs the benchmark and prints the report.
     *
     * @param args {@code --model DIR --samples N --rounds R --warmup W}
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
            float[] stepLogits = new float[depth * classes];
            float[] segLogits = new float[depth * classes];

            int total = rounds * n;
            long[] fused = new long[total];
            long[] segmented = new long[total];
            long[] step = new long[total];
            long[][] block = new long[depth][total];
            long[][] exit = new long[depth][total];
            double maxDiff = 0;
            for (int r = -warmup; r < rounds; r++) {
                for (int s = 0; s < n; s++) {
                    int k = r < 0 ? 0 : r * n + s;
                    for (int v = 0; v < 3; v++) {
                        switch ((r + warmup + s + v) % 3) {
                            case 0 -> {
                                long t0 = System.nanoTime();
                                runner.runFused(inputs[s], fusedLogits);
                                fused[k] = System.nanoTime() - t0;
                            }
                            case 1 -> {
                                long t0 = System.nanoTime();
                                FloatBuffer in = inputs[s];
                                for (int b = 1; b <= depth; b++) {
                                    long a = System.nanoTime();
                                    runner.runBlocks(b, b, in, act[b]);
                                    long c = System.nanoTime();
                                    runner.runExit(b, act[b], logits);
                                    long d = System.nanoTime();
                                    block[b - 1][k] = c - a;
                                    exit[b - 1][k] = d - c;
                                    System.arraycopy(logits, 0, segLogits, (b - 1) * classes, classes);
                                    in = act[b];
                                }
                                segmented[k] = System.nanoTime() - t0;
                            }
                            default -> {
                                long t0 = System.nanoTime();
                                FloatBuffer in = inputs[s];
                                for (int b = 1; b <= depth; b++) {
                                    runner.runBlockWithExit(b, in, act[b], logits);
                                    System.arraycopy(logits, 0, stepLogits, (b - 1) * classes, classes);
                                    in = act[b];
                                }
                                step[k] = System.nanoTime() - t0;
                            }
                        }
                    }
                    for (int i = 0; i < fusedLogits.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(fusedLogits[i] - segLogits[i]));
                        maxDiff = Math.max(maxDiff, Math.abs(fusedLogits[i] - stepLogits[i]));
                    }
                }
            }
            System.out.println("graph optimisation " + optimisation);
            report(pkg, runner, n, rounds, warmup, fused, segmented, step, block, exit, maxDiff);
        }
    }

    private static void report(ModelPackage pkg, OrtSegmentRunner runner, int n, int rounds, int warmup, long[] fused,
            long[] segmented, long[] step, long[][] block, long[][] exit, double maxDiff) {
        int depth = runner.depth();
        double f = median(fused);
        double g = median(segmented);
        double h = median(step);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "model %s %s (%s), manifest sha256 %s%n", pkg.manifest().id(),
                pkg.manifest().version(), pkg.directory(), pkg.manifestSha256()));
        out.append(String.format(Locale.ROOT, "%d samples x %d rounds (after %d warm-up rounds), 1 intra-op thread,"
                + " variants interleaved; java %s, %d cpus, %s %s%n", n, rounds, warmup,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch")));
        out.append(String.format(Locale.ROOT, "max |logit difference| segmented vs fused: %.3g%n%n", maxDiff));
        out.append("| variant (all 12 exits, one sample) | median µs | mean µs | p90 µs | ratio of medians to fused |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        row(out, "fused graph (1 run)", fused, f);
        row(out, "segmented: runBlocks(i,i) + runExit(i) (24 runs)", segmented, f);
        row(out, "step: runBlockWithExit(i) (24 runs)", step, f);
        out.append(String.format(Locale.ROOT, "%nratio of means: segmented %.3f, step %.3f; median of per-sample ratios:"
                + " segmented %.3f, step %.3f%n%n", mean(segmented) / mean(fused), mean(step) / mean(fused),
                medianRatio(segmented, fused), medianRatio(step, fused)));
        out.append("| i | block i median µs | exit i median µs | block i output shape | bytes per sample |\n");
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
        if (g <= 0 || h <= 0) {
            throw new IllegalStateException("no measurements");
        }
    }

    private static void row(StringBuilder out, String name, long[] t, double fusedMedian) {
        long[] sorted = t.clone();
        Arrays.sort(sorted);
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.3f |%n", name, median(t) / 1e3,
                mean(t) / 1e3, sorted[(int) (0.9 * (sorted.length - 1))] / 1e3, median(t) / fusedMedian));
    }

    private static double medianRatio(long[] a, long[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (double) a[i] / b[i];
        }
        Arrays.sort(r);
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    private static double median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static double mean(long[] t) {
        return Arrays.stream(t).average().orElse(Double.NaN);
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
