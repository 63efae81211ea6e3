package io.splitee.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import io.splitee.posix.ProcessEnvironment;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide ONNX Runtime environment with its global thread pools, created once with the
 * first runner's intra-op thread count and never closed (it lives as long as the process, as ONNX
 * Runtime recommends). Every session is created with per-session threads disabled, so all sessions
 * of all runners share this one pool.
 *
 * <p>Before ONNX Runtime is loaded: the platform is checked ({@link NativePlatform}), and ONNX Runtime's telemetry
 * is turned off. ONNX Runtime 1.29 creates its telemetry when the environment is created, writing a device id and
 * an event database under {@code ~/.cache/Microsoft/DeveloperTools/.onnxruntime/}, before
 * {@link OrtEnvironment#setTelemetry} could be called; only its variable {@value #TELEMETRY_OFF}, read then,
 * prevents that, so it is set in the process's environment unless the user set it (their value wins), and
 * {@code setTelemetry(false)} follows.
 */
final class SharedEnvironment {
    private static final Logger LOG = LoggerFactory.getLogger(SharedEnvironment.class);
    /** ONNX Runtime's switch: set (to anything but {@code 0}), no telemetry is created. */
    static final String TELEMETRY_OFF = "ORT_DISABLE_TELEMETRY";

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
        NativePlatform.requireSupported();
        Optional<String> notSet = ProcessEnvironment.setIfAbsent(TELEMETRY_OFF, "1");
        notSet.ifPresent(why -> LOG.debug("cannot set {} ({}); telemetry is turned off after the environment is created",
                TELEMETRY_OFF, why));
        try (OrtEnvironment.ThreadingOptions options = new OrtEnvironment.ThreadingOptions()) {
            options.setGlobalIntraOpNumThreads(threads);
            options.setGlobalInterOpNumThreads(1);
            OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "splitee",
                    options);
            if (!"0".equals(System.getenv(TELEMETRY_OFF))) {
                env.setTelemetry(false);
            }
            environment = env;
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
