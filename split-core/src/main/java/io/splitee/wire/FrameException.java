package io.splitee.wire;

import java.util.Objects;
import java.util.Optional;

/**
 * A frame was rejected. Carries the {@link FrameError} code, the name of the offending field
 * (as in {@code docs/protocol.md}, e.g. {@code payload_len}, {@code shape[1]}), and, when it
 * could be read before the failure, the frame's sample id (so that an error result can be
 * correlated) and model id (so that it can name the model).
 */
public final class FrameException extends Exception {

    private static final long serialVersionUID = 1L;

    private final FrameError code;
    private final String field;
    private final String sampleId;
    private final String modelId;

    FrameException(FrameError code, String field, String detail, String sampleId) {
        this(code, field, detail, sampleId, null);
    }

    FrameException(FrameError code, String field, String detail, String sampleId, String modelId) {
        super(Objects.requireNonNull(code, "code") + " " + Objects.requireNonNull(field, "field") + ": "
                + Objects.requireNonNull(detail, "detail"));
        this.code = code;
        this.field = field;
        this.sampleId = sampleId;
        this.modelId = modelId;
    }

    /** The machine-readable reason. */
    public FrameError code() {
        return code;
    }

    /** The field the problem was found in, e.g. {@code magic}, {@code shape[2]}, {@code data[17]}. */
    public String field() {
        return field;
    }

    /** The frame's sample id, if it had been read and was valid before the failure. */
    public Optional<String> sampleId() {
        return Optional.ofNullable(sampleId);
    }

    /** The frame's model id, if it had been read and was valid before the failure. */
    public Optional<String> modelId() {
        return Optional.ofNullable(modelId);
    }
}
