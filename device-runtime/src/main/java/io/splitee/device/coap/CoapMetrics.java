package io.splitee.device.coap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.eclipse.californium.core.coap.CoAP;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests by resource and response code ({@code splitee_device_coap_requests_total{resource, code}}) and the
 * latency of {@code POST /samples} from request to response ({@code splitee_device_coap_latency_seconds});
 * one debug line per refused request (a code of class 4 or 5).
 */
final class CoapMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(CoapMetrics.class);

    private final MeterRegistry registry;
    private final Timer latency;

    CoapMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("splitee.device.coap.latency").tag("resource", "samples")
                .description("POST /samples, request to response").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** One response; a refusal is logged at debug with its reason. */
    void responded(String resource, CoAP.ResponseCode code, String why) {
        Counter.builder("splitee.device.coap.requests").tag("resource", resource).tag("code", code.text)
                .register(registry).increment();
        if (code.codeClass >= 4) {
            LOG.debug("coap {} refused {}: {}", resource, code.text, why);
        }
    }

    /** The latency of one answered sample. */
    void sampleAnswered(long startNanos) {
        latency.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
