package io.splitee.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;

/**
 * The process-wide ONNX Runtime environment with its global thread pools, created once with the
 * first runner's intra-op thread count and never closed (it lives as long as the process, as ONNX
 * Runtime recommends). Every session is created with per-session threads disabled, so all sessions
 * of all runners share this one pool.
 */
final class SharedEnvironment {

    private static OrtEnvironment environment;
    private static int intraOpThreads;

    private SharedEnvironment() {
    }

    /**
     * @param threads the intra-op thread count the caller wants
     * @return the shared environment
     * @throws IllegalStateException if it already exists with another thread count, or ONNX Runtime
     *     already has an environment this class did not create
     */
    static synchronized OrtEnvironment get(int threads) {
        if (environment != null) {
            if (threads != intraOpThreads) {
                throw new IllegalStateException("the shared ONNX Runtime thread pool already has " + intraOpThreads
                        + " intra-op thread(s); a runner asking for " + threads + " cannot be opened in this process"
                        + " (all runners share one pool: use one intraOpThreads value per process)");
            }
            return environment;
        }
        try (OrtEnvironment.ThreadingOptions options = new OrtEnvironment.ThreadingOptions()) {
            options.setGlobalIntraOpNumThreads(threads);
            options.setGlobalInterOpNumThreads(1);
            environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "splitee", options);
            intraOpThreads = threads;
            return environment;
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create the ONNX Runtime thread pool: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cannot create the shared ONNX Runtime environment (another component of"
                    + " this process created one without SplitEE's thread pool?): " + e.getMessage(), e);
        }
    }
}
