package io.splitee.wire;

/**
 * Why a frame was rejected. Every rejection the {@link FrameDecoder} makes carries exactly one of
 * these codes; the names are stable and may appear in logs, metrics and result messages
 * ({@code error.code}).
 */
public enum FrameError {
    /** The first four bytes are not {@code "SPEF"}. */
    BAD_MAGIC,
    /** The version byte names a format this decoder does not implement. */
    UNSUPPORTED_VERSION,
    /** The frame ends before a field it declares (fixed header, ids, shape, parameters or payload). */
    TRUNCATED,
    /** A declared size disagrees with the bytes present or with the shape (trailing bytes, payload length, inflated length). */
    SIZE_MISMATCH,
    /** The frame is longer than the configured limit, or declares more elements than the limit allows. */
    TOO_LARGE,
    /** The kind byte is neither sample nor features. */
    BAD_KIND,
    /** A critical flag bit (bits 0-7) this version does not define is set. */
    UNSUPPORTED_FLAGS,
    /** The model id or the sample id is empty, too long, not UTF-8, or contains forbidden characters. */
    BAD_ID,
    /** The shape is malformed: rank 0 or above 8, a zero dimension, or too many elements to address. */
    BAD_SHAPE,
    /** The model id is not served here. */
    UNKNOWN_MODEL,
    /** The model is served here, but not the manifest with this SHA-256. */
    HASH_MISMATCH,
    /** The block (or device exit block) does not exist for the model, or contradicts the kind. */
    BAD_BLOCK,
    /** The shape differs from the model's tensor at that block. */
    SHAPE_MISMATCH,
    /** The dtype differs from the model's tensor at that block, or is a code this decoder does not know. */
    DTYPE_MISMATCH,
    /** Unknown encoding or compression code, invalid quantisation parameters, or a corrupt deflate stream. */
    BAD_ENCODING,
    /** A decoded value is NaN or infinite. */
    NON_FINITE
}
