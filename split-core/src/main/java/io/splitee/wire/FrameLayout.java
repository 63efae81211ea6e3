package io.splitee.wire;

/** Offsets and codes of frame format version 1 (see docs/protocol.md); all little-endian. */
final class FrameLayout {

    static final int MAGIC = 0x46455053; // bytes 'S','P','E','F' read as a little-endian int
    static final byte[] MAGIC_BYTES = {'S', 'P', 'E', 'F'};
    static final int VERSION = 1;

    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = 4;
    static final int OFF_KIND = 5;
    static final int OFF_FLAGS = 6;
    static final int OFF_TIME = 8;
    static final int OFF_MANIFEST = 16;
    static final int OFF_BLOCK = 48;
    static final int OFF_DEVICE_EXIT_BLOCK = 49;
    static final int OFF_DTYPE = 50;
    static final int OFF_ENCODING = 51;
    static final int OFF_COMPRESSION = 52;
    static final int OFF_RANK = 53;
    static final int OFF_MODEL_ID_LEN = 54;
    static final int OFF_SAMPLE_ID_LEN = 55;
    static final int OFF_PAYLOAD_LEN = 56;
    /** Length of the fixed header; the variable part (model id, sample id, dims, quantisation parameters, payload) follows. */
    static final int FIXED_HEADER = 60;

    static final int KIND_SAMPLE = 1;
    static final int KIND_FEATURES = 2;

    /** Flag bits 0-7 are critical: a decoder must reject a frame with a critical bit it does not know. None defined in v1. */
    static final int CRITICAL_FLAGS_MASK = 0x00FF;
    static final int KNOWN_CRITICAL_FLAGS = 0;

    /** Bytes of quantisation parameters per channel: float32 scale + int8 zero point. */
    static final int QPARAM_BYTES_PER_CHANNEL = 5;

    private FrameLayout() {
    }

    /** Number of (scale, zero point) pairs the encoding carries for this shape. */
    static int quantChannels(Encoding encoding, int dim0) {
        return switch (encoding) {
            case FP32, FP16 -> 0;
            case INT8 -> 1;
            case INT8_PER_CHANNEL -> dim0;
        };
    }
}
