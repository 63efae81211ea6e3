package io.splitee.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Test-only frame writer straight from the byte table in docs/protocol.md, independent of
 * {@link FrameEncoder}; every field can be set to anything, to craft bad frames.
 */
final class RawFrame {
    byte[] magic = {'S', 'P', 'E', 'F'};
    int version = 1;
    int kind = 2;
    int flags = 0;
    long timeUs = 1_700_000_000_000_000L;
    byte[] hash = TestModels.HASH.bytes();
    int block = 4;
    int deviceExitBlock = 4;
    int dtype = 1;
    int encoding = 1;
    int compression = 0;
    Integer rank; // null: dims.length
    Integer modelIdLen; // null: modelId.length
    Integer sampleIdLen; // null: sampleId.length
    Long payloadLen; // null: payload.length
    byte[] modelId = TestModels.MODEL_ID.getBytes(StandardCharsets.UTF_8);
    byte[] sampleId = "cam1-000123".getBytes(StandardCharsets.UTF_8);
    int[] dims = {16, 28, 28};
    byte[] quantParams = new byte[0];
    byte[] payload = new byte[16 * 28 * 28 * 4];

    /** fp32 payload of these values. */
    RawFrame fp32(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        payload = b.array();
        encoding = 1;
        return this;
    }

    RawFrame sample(int exitBlock) {
        kind = 1;
        block = 0;
        deviceExitBlock = exitBlock;
        dims = new int[] {1, 28, 28};
        payload = new byte[28 * 28 * 4];
        return this;
    }

    byte[] toBytes() {
        int r = rank == null ? dims.length : rank;
        ByteBuffer b = ByteBuffer.allocate(60 + modelId.length + sampleId.length + 4 * dims.length + quantParams.length
                + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(magic);
        b.put((byte) version);
        b.put((byte) kind);
        b.putShort((short) flags);
        b.putLong(timeUs);
        b.put(hash);
        b.put((byte) block);
        b.put((byte) deviceExitBlock);
        b.put((byte) dtype);
        b.put((byte) encoding);
        b.put((byte) compression);
        b.put((byte) r);
        b.put((byte) (modelIdLen == null ? modelId.length : modelIdLen));
        b.put((byte) (sampleIdLen == null ? sampleId.length : sampleIdLen));
        b.putInt((int) (payloadLen == null ? payload.length : payloadLen));
        b.put(modelId);
        b.put(sampleId);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(quantParams);
        b.put(payload);
        return b.array();
    }
}
