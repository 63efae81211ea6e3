package io.splitee.device.daemon;

import io.splitee.device.config.DeviceConfig;
import io.splitee.model.ModelPackage;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.ResultMessage;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The one place that builds the device's result messages: errors, overloaded answers, answers
 * computed on the device (ok or degraded) and answers the gateway computed. Timings end now by the
 * injected clock.
 */
final class Results {
    private final String deviceId;
    private final String modelId;
    private final List<String> labels;
    private final Encoding encoding;
    private final Compression compression;
    private final LongSupplier nanos;

    Results(DeviceConfig config, ModelPackage pkg, LongSupplier nanos) {
        this.deviceId = config.deviceId();
        this.modelId = pkg.manifest().id();
        this.labels = pkg.labels();
        this.encoding = config.offload().encoding();
        this.compression = OffloadFrames.compressionOf(config.offload());
        this.nanos = nanos;
    }

    /** A rejected or failed sample: status {@code error} with {@code code}. */
    ResultMessage error(String id, String code, String message, long arrivedNanos) {
        return message(id, ResultMessage.Status.ERROR, null, 0, false, null, timings(0, arrivedNanos),
                new ResultMessage.ErrorInfo(code, truncate(message)));
    }

    /** A sample that found the queue full: status {@code overloaded}, code {@code QUEUE_FULL}. */
    ResultMessage overloaded(String id, long arrivedNanos, int queueSize) {
        return message(id, ResultMessage.Status.OVERLOADED, null, 0, false, null, timings(0, arrivedNanos),
                new ResultMessage.ErrorInfo("QUEUE_FULL", "the device's queue of " + queueSize
                        + " samples is full; try again later"));
    }

    /** Answered on the device from live exit {@code exit}, ok. */
    ResultMessage onDevice(Sample s, int exit) {
        return onDevice(s, exit, ResultMessage.Status.OK, null);
    }

    /** Answered on the device from the sample's arm, {@code degraded}: the gateway did not help ({@code code}, why). */
    ResultMessage degraded(Sample s, String code, String why) {
        return onDevice(s, s.arm, ResultMessage.Status.DEGRADED,
                new ResultMessage.ErrorInfo(code, truncate(why + "; answered from exit " + s.arm)));
    }

    private ResultMessage onDevice(Sample s, int exit, ResultMessage.Status status, ResultMessage.ErrorInfo note) {
        int cls = s.prediction(exit);
        ResultMessage.Prediction p = new ResultMessage.Prediction(cls, labels.get(cls), s.confidence(exit), exit);
        Double finalConfidence = exit == s.confidences.length ? s.confidence(exit) : null;
        return message(s.id, status, p, s.arm, false, finalConfidence, timings(s.deviceNanos, s.arrivedNanos), note);
    }

    /**
     * The gateway's answer {@code reply} to the offload of {@code s}, received at {@code receivedNanos};
     * the link's share is the round trip less the gateway's reported time.
     */
    ResultMessage fromGateway(Sample s, ResultMessage reply, long receivedNanos, Duration gateway) {
        long roundTrip = receivedNanos - s.sentNanos;
        Duration link = Duration.ofNanos(Math.max(0, roundTrip - gateway.toNanos()));
        ResultMessage.Timings t = new ResultMessage.Timings(Duration.ofNanos(s.deviceNanos), link, gateway,
                Duration.ofNanos(receivedNanos - s.arrivedNanos));
        return message(s.id, ResultMessage.Status.OK, reply.prediction(), s.arm, true, reply.finalExitConfidence(), t,
                null);
    }

    private ResultMessage message(String id, ResultMessage.Status status, ResultMessage.Prediction p, int split,
                                  boolean sent, Double finalConfidence, ResultMessage.Timings t,
                                  ResultMessage.ErrorInfo error) {
        return new ResultMessage(id, deviceId, modelId, status, p,
                status == ResultMessage.Status.OK && sent ? ResultMessage.Location.GATEWAY
                        : ResultMessage.Location.DEVICE, split, sent ? encoding : null, sent ? compression : null,
                finalConfidence, t, error);
    }

    private ResultMessage.Timings timings(long deviceNanos, long arrivedNanos) {
        return new ResultMessage.Timings(deviceNanos == 0 ? null : Duration.ofNanos(deviceNanos), null, null,
                Duration.ofNanos(Math.max(0, nanos.getAsLong() - arrivedNanos)));
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 1000 ? s.substring(0, 1000) : s;
    }
}
