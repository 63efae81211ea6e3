package io.splitee.onnx;

import java.util.Objects;

/**
 * How an {@link OrtSegmentRunner} runs its sessions.
 *
 * <p>All runners of a process share one ONNX Runtime environment with one global intra-op thread
 * pool, sized by the first runner opened; opening a runner with a different
 * {@code intraOpThreads} later fails (see {@link OrtSegmentRunner#open}).
 *
 * @param intraOpThreads threads that work on one operator (1 = run on the calling thread only)
 * @param optimisation graph optimisation level applied when sessions are created
 * @param loadFused whether to also load the fused whole-network graph (for {@link SegmentRunner#runFused});
 *     a device does not need it and saves its memory
 */
public record RunnerConfig(int intraOpThreads, Optimisation optimisation, boolean loadFused) {

    /** Graph optimisation level (mirrors ONNX Runtime's levels). */
    public enum Optimisation {
        /** No graph optimisation. */
        NONE,
        /** Constant folding and redundant-node elimination. */
        BASIC,
        /** Basic plus operator fusions. */
        EXTENDED,
        /** Everything, including layout optimisations. The default. */
        ALL
    }

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if {@code intraOpThreads} is not in 1..256 or optimisation is null
     */
    public RunnerConfig {
        if (intraOpThreads < 1 || intraOpThreads > 256) {
            throw new IllegalArgumentException("intraOpThreads must be in 1..256, was " + intraOpThreads);
        }
        if (optimisation == null) {
            throw new IllegalArgumentException("optimisation must not be null");
        }
    }

    /** @return one intra-op thread, full optimisation, no fused graph: what a device runs */
    public static RunnerConfig defaults() {
        return new RunnerConfig(1, Optimisation.ALL, false);
    }

    /**
     * @param threads intra-op threads
     * @return a copy with that many intra-op threads
     */
    public RunnerConfig withIntraOpThreads(int threads) {
        return new RunnerConfig(threads, optimisation, loadFused);
    }

    /**
     * @param level optimisation level
     * @return a copy with that level
     */
    public RunnerConfig withOptimisation(Optimisation level) {
        return new RunnerConfig(intraOpThreads, Objects.requireNonNull(level, "level"), loadFused);
    }

    /**
     * @param fused whether to load the fused graph
     * @return a copy with that setting
     */
    public RunnerConfig withFused(boolean fused) {
        return new RunnerConfig(intraOpThreads, optimisation, fused);
    }
}
