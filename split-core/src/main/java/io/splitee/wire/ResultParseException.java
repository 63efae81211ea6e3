package io.splitee.wire;

import java.util.Objects;

/** A result message could not be parsed; carries a {@link Reason} and the offending field. */
public final class ResultParseException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why parsing failed. */
    public enum Reason {
        /** Longer than {@link ResultCodec#MAX_BYTES}. */
        TOO_LARGE,
        /** Not a single well-formed JSON object (syntax, duplicate keys, nesting too deep, trailing data). */
        MALFORMED_JSON,
        /** The {@code schema} number is not one this parser reads. */
        UNSUPPORTED_SCHEMA,
        /** A required field is absent or null. */
        MISSING_FIELD,
        /** A field this schema does not define. */
        UNKNOWN_FIELD,
        /** A field has the wrong JSON type or a value out of range, or fields contradict each other. */
        BAD_VALUE
    }

    private final Reason reason;
    private final String field;

    ResultParseException(Reason reason, String field, String detail, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + " " + Objects.requireNonNull(field, "field") + ": " + detail, cause);
        this.reason = reason;
        this.field = field;
    }

    /** The machine-readable reason. */
    public Reason reason() {
        return reason;
    }

    /** The JSON field (dotted path, e.g. {@code prediction.confidence}), or {@code $} for the whole message. */
    public String field() {
        return field;
    }
}
