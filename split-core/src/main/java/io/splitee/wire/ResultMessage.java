package io.splitee.wire;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The answer for one sample, published as JSON ({@link ResultCodec}; schema in
 * {@code docs/protocol.md}) by whoever computed it: the device for an early exit on the device, the
 * gateway for an offloaded sample (in reply to the device's frame).
 *
 * <p>Rules (checked here): {@code ok} and {@code degraded} carry a prediction; {@code error} and
 * {@code overloaded} carry an error and no prediction; {@code degraded} may carry an error saying
 * why; encoding and compression are both present (something was sent) or both absent.
 *
 * @param sampleId            the sample's id as in the frame (1..64 bytes UTF-8)
 * @param device              the device id, as in the topic ({@code [A-Za-z0-9._-]}, 1..64)
 * @param modelId             the model's id
 * @param status              outcome
 * @param prediction          the answer; null for {@code error} and {@code overloaded}
 * @param computedAt          where the answer (or the error) was produced
 * @param splitBlock          the last block the device computed (0..255; 0: the raw sample was sent)
 * @param encoding            encoding of the frame sent to the gateway; null if nothing was sent
 * @param compression         compression of that frame; null if nothing was sent
 * @param finalExitConfidence confidence of the model's final exit, in [0, 1], as the gateway computes it for the
 *                            device's reward; null if not computed
 * @param timings             where the time went; never null (its parts may be)
 * @param error               machine-readable code and message; null for {@code ok}
 */
public record ResultMessage(String sampleId, String device, String modelId, Status status, Prediction prediction,
                            Location computedAt, int splitBlock, Encoding encoding, Compression compression,
                            Double finalExitConfidence, Timings timings, ErrorInfo error) {

    /** Outcome of a sample. */
    public enum Status {
        /** Answered as planned. */
        OK,
        /** Answered, but not as planned (e.g. at an earlier exit because the gateway was unreachable). */
        DEGRADED,
        /** Not answered: the input or the computation failed. */
        ERROR,
        /** Not answered: the gateway shed load. */
        OVERLOADED;

        /** Lower-case JSON name. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a result was produced. */
    public enum Location {
        /** On the device. */
        DEVICE,
        /** On the offload gateway. */
        GATEWAY;

        /** Lower-case JSON name. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The predicted class.
     *
     * @param classIndex 0-based class index
     * @param label      the class label from the manifest (1..256 characters)
     * @param confidence max softmax probability at the exit that answered, in [0, 1]
     * @param exit       the exit that answered, 1..255
     */
    public record Prediction(int classIndex, String label, double confidence, int exit) {
        /** Validates. */
        public Prediction {
            if (classIndex < 0) {
                throw new IllegalArgumentException("prediction.class_index must be >= 0, got " + classIndex);
            }
            Objects.requireNonNull(label, "prediction.label");
            if (label.isEmpty() || label.length() > 256) {
                throw new IllegalArgumentException("prediction.label must be 1..256 characters, got " + label.length());
            }
            if (!(confidence >= 0.0 && confidence <= 1.0)) {
                throw new IllegalArgumentException("prediction.confidence must be in [0, 1], got " + confidence);
            }
            if (exit < 1 || exit > Frame.MAX_BLOCK) {
                throw new IllegalArgumentException("prediction.exit must be 1.." + Frame.MAX_BLOCK + ", got " + exit);
            }
        }
    }

    /**
     * Durations (microsecond resolution on the wire); each null if not measured by the sender.
     *
     * @param deviceCompute  blocks and exits computed on the device
     * @param link           time on the link (device to gateway and back, as the sender measured it)
     * @param gatewayCompute blocks and exits computed on the gateway
     * @param endToEnd       from the sample's arrival on the device to the answer
     */
    public record Timings(Duration deviceCompute, Duration link, Duration gatewayCompute, Duration endToEnd) {

        /** No timings. */
        public static final Timings NONE = new Timings(null, null, null, null);

        /** Validates: each present duration is non-negative and fits in 64-bit microseconds. */
        public Timings {
            check("timings_us.device_compute", deviceCompute);
            check("timings_us.link", link);
            check("timings_us.gateway_compute", gatewayCompute);
            check("timings_us.end_to_end", endToEnd);
        }

        private static void check(String field, Duration d) {
            if (d == null) {
                return;
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException(field + " must not be negative, got " + d);
            }
            try {
                d.toNanos();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(field + " is too long: " + d, e);
            }
        }
    }

    /**
     * Why a sample was not answered as planned.
     *
     * @param code    machine-readable, {@code [A-Z][A-Z0-9_]{0,63}}; a {@link FrameError} name for rejected frames
     * @param message for humans, at most 1024 characters
     */
    public record ErrorInfo(String code, String message) {

        private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

        /** Validates. */
        public ErrorInfo {
            Objects.requireNonNull(code, "error.code");
            Objects.requireNonNull(message, "error.message");
            if (!CODE.matcher(code).matches()) {
                throw new IllegalArgumentException("error.code must match [A-Z][A-Z0-9_]{0,63}, got \"" + code + "\"");
            }
            if (message.length() > 1024) {
                throw new IllegalArgumentException("error.message must be at most 1024 characters, got " + message.length());
            }
        }

        /** The error for a rejected frame. */
        public static ErrorInfo of(FrameException e) {
            return truncated(e.code().name(), e.getMessage());
        }

        /** An error whose message is cut to the 1024 characters the schema allows (null: empty). */
        public static ErrorInfo truncated(String code, String message) {
            String m = message == null ? "" : message;
            return new ErrorInfo(code, m.length() > 1024 ? m.substring(0, 1024) : m);
        }
    }

    /** Validates (see the class comment). */
    public ResultMessage {
        Ids.sampleIdProblem(sampleId).ifPresent(p -> {
            throw new IllegalArgumentException("sample_id " + p);
        });
        Ids.nameProblem(device).ifPresent(p -> {
            throw new IllegalArgumentException("device " + p);
        });
        Ids.nameProblem(modelId).ifPresent(p -> {
            throw new IllegalArgumentException("model_id " + p);
        });
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(computedAt, "computed_at");
        Objects.requireNonNull(timings, "timings_us");
        boolean answered = status == Status.OK || status == Status.DEGRADED;
        if (answered && prediction == null) {
            throw new IllegalArgumentException("prediction is required when status is " + status.jsonName());
        }
        if (!answered && prediction != null) {
            throw new IllegalArgumentException("prediction must be absent when status is " + status.jsonName());
        }
        if (!answered && error == null) {
            throw new IllegalArgumentException("error is required when status is " + status.jsonName());
        }
        if (status == Status.OK && error != null) {
            throw new IllegalArgumentException("error must be absent when status is ok");
        }
        if (splitBlock < 0 || splitBlock > Frame.MAX_BLOCK) {
            throw new IllegalArgumentException("split_block must be 0.." + Frame.MAX_BLOCK + ", got " + splitBlock);
        }
        if ((encoding == null) != (compression == null)) {
            throw new IllegalArgumentException("encoding and compression must be both present or both absent");
        }
        if (finalExitConfidence != null && !(finalExitConfidence >= 0.0 && finalExitConfidence <= 1.0)) {
            throw new IllegalArgumentException("final_exit_confidence must be in [0, 1], got " + finalExitConfidence);
        }
    }

    /** The prediction, if answered. */
    public Optional<Prediction> predictionIfAny() {
        return Optional.ofNullable(prediction);
    }

    /**
     * A builder for the answer to {@code sampleId}, from {@code device}'s model {@code modelId}: the one way
     * the device and the gateway make result messages. Defaults: computed on the device, split block 0,
     * nothing sent, no timings.
     */
    public static Builder builder(String sampleId, String device, String modelId) {
        return new Builder(sampleId, device, modelId);
    }

    /** Builds a {@link ResultMessage}; {@link #build()} validates. */
    public static final class Builder {
        private final String sampleId;
        private final String device;
        private final String modelId;
        private Status status = Status.OK;
        private Prediction prediction;
        private Location computedAt = Location.DEVICE;
        private int splitBlock;
        private Encoding encoding;
        private Compression compression;
        private Double finalExitConfidence;
        private Timings timings = Timings.NONE;
        private ErrorInfo error;

        private Builder(String sampleId, String device, String modelId) {
            this.sampleId = sampleId;
            this.device = device;
            this.modelId = modelId;
        }

        /** {@code ok} (or {@code degraded} with {@link #error}) with this prediction. */
        public Builder answered(Status status, Prediction prediction) {
            this.status = status;
            this.prediction = prediction;
            return this;
        }

        /** Not answered: {@code error} or {@code overloaded}, with the error's code and message (cut to fit). */
        public Builder refused(Status status, String code, String message) {
            this.status = status;
            this.prediction = null;
            this.error = ErrorInfo.truncated(code, message);
            return this;
        }

        /** Why an answer is {@code degraded} (cut to fit). */
        public Builder note(String code, String message) {
            this.error = ErrorInfo.truncated(code, message);
            return this;
        }

        /** Where the answer was produced. */
        public Builder computedAt(Location at) {
            this.computedAt = at;
            return this;
        }

        /** The last block the device computed. */
        public Builder splitBlock(int block) {
            this.splitBlock = block;
            return this;
        }

        /** The encoding and compression of the frame the device sent; null and null when nothing was sent. */
        public Builder sentAs(Encoding enc, Compression comp) {
            this.encoding = enc;
            this.compression = comp;
            return this;
        }

        /** The final exit's confidence, when computed. */
        public Builder finalExitConfidence(Double c) {
            this.finalExitConfidence = c;
            return this;
        }

        /** Where the time went. */
        public Builder timings(Timings t) {
            this.timings = t;
            return this;
        }

        /**
         * The message.
         *
         * @throws IllegalArgumentException naming the rule broken
         */
        public ResultMessage build() {
            return new ResultMessage(sampleId, device, modelId, status, prediction, computedAt, splitBlock, encoding,
                    compression, finalExitConfidence, timings, error);
        }
    }

    /** The error, if any. */
    public Optional<ErrorInfo> errorIfAny() {
        return Optional.ofNullable(error);
    }
}
