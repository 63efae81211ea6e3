package io.splitee.device.daemon;

import io.splitee.device.status.DeviceStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.splitee.device.cost.CostEstimates;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The daemon's meters; every name starts with {@code splitee_device}. Updated from the worker thread. */
final class DeviceMetrics {
    private final MeterRegistry registry;
    private final Counter[] exits;
    private final Counter[] arms;
    final Counter samples;
    final Counter offloads;
    final Counter offloadsRaw;
    final Counter overloaded;
    final Counter duplicates;
    final Counter restoredDuplicates;
    final Counter lateReplies;
    final Counter deadlineMisses;
    final Counter probes;
    final Counter answerFailures;
    final Counter answersGivenUp;
    final Counter changesDetected;
    final Timer latencyLocal;
    final Timer latencyOffload;
    final DistributionSummary offloadBytes;
    final AtomicLong pending = new AtomicLong();
    final AtomicLong queued = new AtomicLong();
    private final DeviceStatus status;

    DeviceMetrics(MeterRegistry registry, int blocks, CostEstimates estimates, DeviceStatus status) {
        this.registry = registry;
        this.status = status;
        samples = Counter.builder("splitee.device.samples").description("samples taken in").register(registry);
        offloads = Counter.builder("splitee.device.offloads").tag("payload", "features").register(registry);
        offloadsRaw = Counter.builder("splitee.device.offloads").tag("payload", "raw").register(registry);
        // every series of splitee.device.results has the same tag keys, status and code: Prometheus refuses a
        // second meter of one name with other tag keys (Micrometer logs and drops it)
        overloaded = Counter.builder("splitee.device.results").tag("status", "overloaded").tag("code", "BACKLOG")
                .register(registry);
        duplicates = Counter.builder("splitee.device.duplicates").description("redelivered samples answered once")
                .register(registry);
        restoredDuplicates = Counter.builder("splitee.device.duplicates.restored")
                .description("redelivered samples an earlier process of this device had answered (its answer in the"
                        + " MQTT client's store), acknowledged without a second answer; also in splitee.device.duplicates")
                .register(registry);
        lateReplies = Counter.builder("splitee.device.late.replies").description("gateway answers after the deadline")
                .register(registry);
        deadlineMisses = Counter.builder("splitee.device.deadline.misses").register(registry);
        probes = Counter.builder("splitee.device.probes").register(registry);
        answerFailures = Counter.builder("splitee.device.answer.publish.failures")
                .description("failed attempts to publish an answer").register(registry);
        answersGivenUp = Counter.builder("splitee.device.answers.given.up")
                .description("answers given up by the answer rule; their samples acknowledged without them")
                .register(registry);
        changesDetected = Counter.builder("splitee.device.policy.changes.detected")
                .description("alarms of the policy's change detector (detect=ph): each time, the policy started its "
                        + "statistics over")
                .register(registry);
        latencyLocal = Timer.builder("splitee.device.latency").tag("path", "device").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        latencyOffload = Timer.builder("splitee.device.latency").tag("path", "gateway").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        offloadBytes = DistributionSummary.builder("splitee.device.offload.bytes").baseUnit("bytes").register(registry);
        exits = new Counter[blocks + 1];
        arms = new Counter[blocks + 1];
        for (int i = 0; i <= blocks; i++) {
            exits[i] = Counter.builder("splitee.device.exits").tag("exit", Integer.toString(i)).register(registry);
            arms[i] = Counter.builder("splitee.device.arm.plays").tag("arm", Integer.toString(i)).register(registry);
        }
        Gauge.builder("splitee.device.pending.offloads", pending, AtomicLong::get).register(registry);
        Gauge.builder("splitee.device.queue.depth", queued, AtomicLong::get).register(registry);
        Gauge.builder("splitee.device.cost.link.rtt.ms", estimates, CostEstimates::roundTripMs).register(registry);
        Gauge.builder("splitee.device.cost.link.throughput.bytes.per.ms", estimates,
                CostEstimates::throughputBytesPerMs).register(registry);
        for (int i = 1; i <= blocks; i++) {
            int b = i;
            Gauge.builder("splitee.device.cost.block.ms", estimates, e -> e.blockMs(b))
                    .tag("block", Integer.toString(i)).register(registry);
        }
    }

    /** Counts the answers stage's failed attempts and give-ups. */
    io.splitee.answers.AnswerPublisher.Counters answerCounters() {
        return new io.splitee.answers.AnswerPublisher.Counters() {
            @Override
            public void failedAttempt(io.splitee.mqtt.TransportException.Reason reason) {
                answerFailures.increment();
            }

            @Override
            public void gaveUp(io.splitee.mqtt.TransportException.Reason reason) {
                answersGivenUp.increment();
            }
        };
    }

    void exit(int exit) {
        exits[exit].increment();
    }

    void arm(int arm) {
        arms[arm].increment();
        status.armPlayed(arm);
    }

    void error(String code) {
        registry.counter("splitee.device.results", "status", "error", "code", code).increment();
        status.error();
    }

    /** A gateway answer that could not be trusted ({@code reason}) and was dropped. */
    void replyRejected(String reason) {
        registry.counter("splitee.device.replies.rejected", "reason", reason).increment();
    }

    /** A sample was taken in. */
    void sample() {
        samples.increment();
        status.sample();
    }

    /** A sample was answered {@code overloaded}. */
    void overloaded() {
        overloaded.increment();
        status.overloaded();
    }

    /** The device's status, which these events also feed. */
    DeviceStatus status() {
        return status;
    }

    /** A degraded answer (answered from the exit the device had), by the code of what went wrong. */
    void degraded(String code) {
        registry.counter("splitee.device.results", "status", "degraded", "code", code).increment();
    }
}
