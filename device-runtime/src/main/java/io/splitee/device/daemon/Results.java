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
        return builder(id).refused(ResultMessage.Status.ERROR, code, message).timings(timings(0, arrivedNanos))
                .build();
    }

    /**
     * A sample taken while the device's backlog has lasted beyond {@code queue.overload.after}: status
     * {@code overloaded}, code {@code BACKLOG}.
     */
    ResultMessage overloaded(String id, long arrivedNanos, int held, java.time.Duration after) {
        return builder(id).refused(ResultMessage.Status.OVERLOADED, "BACKLOG", "the device has held at least "
                + held + " samples from the broker for more than " + after + " (queue.overload.after) without a "
                + "break: samples arrive faster than it computes them; try again later")
                .timings(timings(0, arrivedNanos)).build();
    }

    /** Answered on the device from live exit {@code exit}, ok. */
    ResultMessage onDevice(Sample s, int exit) {
        return onDevice(s, exit, ResultMessage.Status.OK).build();
    }

    /** Answered on the device from the sample's arm, {@code degraded}: the gateway did not help ({@code code}, why). */
    ResultMessage degraded(Sample s, String code, String why) {
        return onDevice(s, s.arm, ResultMessage.Status.DEGRADED).note(code, why + "; answered from exit " + s.arm)
                .build();
    }

    private ResultMessage.Builder onDevice(Sample s, int exit, ResultMessage.Status status) {
        int cls = s.prediction(exit);
        ResultMessage.Prediction p = new ResultMessage.Prediction(cls, labels.get(cls), s.confidence(exit), exit);
        Double finalConfidence = exit == s.confidences.length ? s.confidence(exit) : null;
        return builder(s.id).answered(status, p).splitBlock(s.arm).finalExitConfidence(finalConfidence)
                .timings(timings(s.deviceNanos, s.arrivedNanos));
    }

    /**
     * The gateway's answer {@code reply} to the offload of {@code s}, which arrived at {@code replyArrivedNanos}
     * and is handled at {@code receivedNanos}; the link's share is the round trip (send to arrival) less the
     * gateway's reported time, the end-to-end time runs to {@code receivedNanos}.
     */
    ResultMessage fromGateway(Sample s, ResultMessage reply, long replyArrivedNanos, long receivedNanos,
                              Duration gateway) {
        long roundTrip = replyArrivedNanos - s.sentNanos;
        Duration link = Duration.ofNanos(Math.max(0, roundTrip - gateway.toNanos()));
        ResultMessage.Timings t = new ResultMessage.Timings(Duration.ofNanos(s.deviceNanos), link, gateway,
                Duration.ofNanos(receivedNanos - s.arrivedNanos));
        return builder(s.id).answered(ResultMessage.Status.OK, reply.prediction())
                .computedAt(ResultMessage.Location.GATEWAY).splitBlock(s.arm).sentAs(encoding, compression)
                .finalExitConfidence(reply.finalExitConfidence()).timings(t).build();
    }

    /**
     * Why the gateway's answer {@code reply} to offload {@code id} cannot be trusted, or null when it can: it
     * must be for this sample, this device and this model, and an answer must come from the final exit
     * ({@code depth}) with a class of this model and that class's label. A forged or corrupted reply would
     * otherwise become this device's result and the bandit's reward.
     */
    String replyProblem(ResultMessage reply, String id, int depth) {
        if (!reply.sampleId().equals(id)) {
            return "SAMPLE_MISMATCH";
        }
        if (!reply.device().equals(deviceId)) {
            return "WRONG_DEVICE";
        }
        if (!reply.modelId().equals(modelId)) {
            return "WRONG_MODEL";
        }
        ResultMessage.Prediction p = reply.prediction();
        if (p != null) {
            if (p.classIndex() < 0 || p.classIndex() >= labels.size() || !labels.get(p.classIndex()).equals(p.label())) {
                return "BAD_CLASS";
            }
            if (p.exit() != depth) {
                return "BAD_EXIT";
            }
        }
        return null;
    }

    private ResultMessage.Builder builder(String id) {
        return ResultMessage.builder(id, deviceId, modelId);
    }

    private ResultMessage.Timings timings(long deviceNanos, long arrivedNanos) {
        return new ResultMessage.Timings(deviceNanos == 0 ? null : Duration.ofNanos(deviceNanos), null, null,
                Duration.ofNanos(Math.max(0, nanos.getAsLong() - arrivedNanos)));
    }
}
