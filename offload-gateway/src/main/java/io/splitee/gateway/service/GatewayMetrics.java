package io.splitee.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The gateway's meters; every name starts with {@code splitee_gateway} in Prometheus. Updated from the
 * MQTT callback thread, the workers and the answers thread (Micrometer meters are thread-safe).
 */
final class GatewayMetrics {
    private final MeterRegistry registry;
    /** Frames received (valid or not), before any check. */
    final Counter frames;
    /** Frames without an answer: nothing to answer them with (no device or sample id), or no room left for one. */
    final Counter unanswered;
    /** Frames answered {@code overloaded} because the queue was full. */
    final Counter overloaded;
    /** Frames acknowledged without computing them: their message expiry had passed (see {@link StaleFrames}). */
    final Counter expired;
    final Counter answersOk;
    final Counter batches;
    final Counter publishFailures;
    final DistributionSummary batchSize;
    /** From a frame's arrival until its batch starts running. */
    final Timer queueWait;
    /** One ONNX Runtime batch: blocks and the final exit. */
    final Timer compute;
    /** From a frame's arrival until its answer is handed to the transport (the result's gateway_compute). */
    final Timer latency;

    GatewayMetrics(MeterRegistry registry, Supplier<Number> queueDepth) {
        this.registry = registry;
        frames = Counter.builder("splitee.gateway.frames").description("frames received").register(registry);
        unanswered = Counter.builder("splitee.gateway.unanswered")
                .description("frames acknowledged without an answer (nothing to answer with, or no room for one)")
                .register(registry);
        overloaded = Counter.builder("splitee.gateway.overloaded")
                .description("frames answered overloaded (queue full)").register(registry);
        expired = Counter.builder("splitee.gateway.frames.expired")
                .description("frames skipped, not computed: past their message expiry (the device's offload deadline)")
                .register(registry);
        answersOk = Counter.builder("splitee.gateway.answers").tag("status", "ok").register(registry);
        batches = Counter.builder("splitee.gateway.batches").description("ONNX Runtime batch calls")
                .register(registry);
        publishFailures = Counter.builder("splitee.gateway.publish.failures")
                .description("answers the broker did not take (retried or left for redelivery)").register(registry);
        batchSize = DistributionSummary.builder("splitee.gateway.batch.size").description("frames per batch")
                .publishPercentiles(0.5, 0.9, 0.99).serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                .register(registry);
        queueWait = timer("splitee.gateway.queue.wait", "arrival to batch start");
        compute = timer("splitee.gateway.compute", "one batch on ONNX Runtime");
        latency = timer("splitee.gateway.latency", "arrival to answer (gateway_compute in the result)");
        Gauge.builder("splitee.gateway.queue.depth", queueDepth).description("frames waiting for a worker")
                .register(registry);
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    /** A frame rejected or failed, by its error code (a FrameError name, MODEL_ERROR or INTERNAL_ERROR). */
    void error(String code) {
        registry.counter("splitee.gateway.errors", "code", code).increment();
    }

    /** An {@code error} answer handed to the transport. */
    void answeredError() {
        registry.counter("splitee.gateway.answers", "status", "error").increment();
    }

    void answeredOverloaded() {
        overloaded.increment();
        registry.counter("splitee.gateway.answers", "status", "overloaded").increment();
    }
}
