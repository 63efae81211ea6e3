package io.splitee.model;

/**
 * A cheap structural check that bytes are an ONNX {@code ModelProto}, without ONNX Runtime: the
 * top level must parse as protobuf wire format to the last byte and hold an {@code ir_version}
 * (field 1, varint), a {@code graph} (field 7, length-delimited) and at least one
 * {@code opset_import} (field 8, length-delimited). A text file, an empty file or a truncated
 * model fails; whether the graph itself is sound is left to ONNX Runtime.
 */
final class OnnxFileCheck {

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_I64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_I32 = 5;
    private static final long MALFORMED = Long.MIN_VALUE;

    private OnnxFileCheck() {
    }

    /**
     * @param bytes the file content
     * @return null if it looks like an ONNX model, else why not
     */
    static String problem(byte[] bytes) {
        if (bytes.length == 0) {
            return "is empty, not an ONNX model";
        }
        boolean irVersion = false;
        boolean graph = false;
        boolean opset = false;
        int[] pos = {0};
        while (pos[0] < bytes.length) {
            int at = pos[0];
            long tag = varint(bytes, pos);
            if (tag == MALFORMED || tag < 0 || tag > 0xFFFF_FFFFL) {
                return notOnnx("a malformed protobuf field tag at byte " + at);
            }
            int wire = (int) (tag & 7);
            long field = tag >>> 3;
            if (field == 0) {
                return notOnnx("protobuf field number 0 at byte " + at);
            }
            switch (wire) {
                case WIRE_VARINT -> {
                    if (varint(bytes, pos) == MALFORMED) {
                        return notOnnx("a malformed varint at byte " + at);
                    }
                }
                case WIRE_I64 -> pos[0] += 8;
                case WIRE_I32 -> pos[0] += 4;
                case WIRE_LEN -> {
                    long len = varint(bytes, pos);
                    if (len == MALFORMED || len < 0 || len > bytes.length - pos[0]) {
                        return notOnnx("a length-delimited field at byte " + at + " that runs past the end of the file");
                    }
                    pos[0] += (int) len;
                }
                default -> {
                    return notOnnx("protobuf wire type " + wire + " at byte " + at);
                }
            }
            if (pos[0] > bytes.length) {
                return notOnnx("a field at byte " + at + " that runs past the end of the file");
            }
            if (field == 1 && wire == WIRE_VARINT) {
                irVersion = true;
            } else if (field == 7 && wire == WIRE_LEN) {
                graph = true;
            } else if (field == 8 && wire == WIRE_LEN) {
                opset = true;
            } else if (field == 1 || field == 7 || field == 8) {
                return notOnnx("field " + field + " with the wrong wire type " + wire);
            }
        }
        if (!irVersion) {
            return notOnnx("no ir_version field");
        }
        if (!graph) {
            return notOnnx("no graph field");
        }
        if (!opset) {
            return notOnnx("no opset_import field");
        }
        return null;
    }

    private static String notOnnx(String detail) {
        return "is not an ONNX model (protobuf ModelProto): " + detail;
    }

    /** Reads a varint at pos[0], advancing it; returns {@link #MALFORMED} if malformed or truncated. */
    private static long varint(byte[] b, int[] pos) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) {
                return MALFORMED;
            }
            int x = b[pos[0]++] & 0xFF;
            value |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
        return MALFORMED;
    }
}
