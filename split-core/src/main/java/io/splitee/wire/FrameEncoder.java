package io.splitee.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Turns a {@link Frame} into bytes in the layout of {@code docs/protocol.md}, using the frame's
 * {@link Frame#encoding()} and {@link Frame#compression()}. The returned array is exactly the
 * frame: its length is the number of bytes that go on the wire (what the cost model counts).
 *
 * <p>Not thread-safe: one encoder per thread. Holds a native zlib stream once deflate has been
 * used; {@link #close()} releases it (idempotent).
 */
public final class FrameEncoder implements AutoCloseable {

    private final int deflateLevel;
    private Deflater deflater;
    private byte[] rawScratch = new byte[0];
    private byte[] deflateScratch = new byte[0];
    private boolean closed;

    /** An encoder that deflates at {@link Deflater#BEST_SPEED} (level 1). */
    public FrameEncoder() {
        this(Deflater.BEST_SPEED);
    }

    /**
     * @param deflateLevel zlib level 1 (fastest) to 9 (smallest), used for {@link Compression#DEFLATE}
     */
    public FrameEncoder(int deflateLevel) {
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalArgumentException("deflateLevel must be 1..9, got " + deflateLevel);
        }
        this.deflateLevel = deflateLevel;
    }

    /**
     * Encodes the frame.
     *
     * @return the frame bytes; {@code length} is the exact size on the wire
     * @throws IllegalArgumentException if a value is NaN or infinite, outside the fp16 range (±65504)
     *                                  for {@link Encoding#FP16}, or spans more than a float can scale
     *                                  for the int8 encodings; the message names the element
     * @throws IllegalStateException    if the encoder is closed
     */
    public byte[] encode(Frame frame) {
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
        FloatBuffer data = frame.data();
        int n = data.remaining();
        checkFinite(data, n);
        TensorSpec t = frame.tensor();
        Encoding enc = frame.encoding();
        int channels = FrameLayout.quantChannels(enc, t.dim(0));
        byte[] modelId = frame.modelId().getBytes(StandardCharsets.US_ASCII);
        byte[] sampleId = frame.sampleId().getBytes(StandardCharsets.UTF_8);
        int headerLen = FrameLayout.FIXED_HEADER + modelId.length + sampleId.length + 4 * t.rank()
                + FrameLayout.QPARAM_BYTES_PER_CHANNEL * channels;
        int rawLen = Math.multiplyExact(n, enc.bytesPerElement());

        float[] scales = new float[channels];
        byte[] zeroPoints = new byte[channels];
        chooseQuantisation(frame, data, n, channels, scales, zeroPoints);

        byte[] out;
        int payloadLen;
        if (frame.compression() == Compression.NONE) {
            payloadLen = rawLen;
            out = new byte[Math.addExact(headerLen, payloadLen)];
            writePayload(data, n, enc, channels, scales, zeroPoints, out, headerLen);
        } else {
            if (rawScratch.length < rawLen) {
                rawScratch = new byte[rawLen];
            }
            writePayload(data, n, enc, channels, scales, zeroPoints, rawScratch, 0);
            payloadLen = deflate(rawScratch, rawLen);
            out = new byte[Math.addExact(headerLen, payloadLen)];
            System.arraycopy(deflateScratch, 0, out, headerLen, payloadLen);
        }
        writeHeader(frame, modelId, sampleId, channels, scales, zeroPoints, payloadLen, out);
        return out;
    }

    private static void checkFinite(FloatBuffer data, int n) {
        for (int i = 0; i < n; i++) {
            float x = data.get(i);
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("data[" + i + "] is " + x + "; frames carry finite values only");
            }
        }
    }

    private static void chooseQuantisation(Frame frame, FloatBuffer data, int n, int channels, float[] scales,
                                           byte[] zeroPoints) {
        if (channels == 0) {
            return;
        }
        int per = n / channels;
        for (int c = 0; c < channels; c++) {
            Quant.choose(data, c * per, per, scales, zeroPoints, c);
        }
    }

    private static void writePayload(FloatBuffer data, int n, Encoding enc, int channels, float[] scales,
                                     byte[] zeroPoints, byte[] out, int off) {
        switch (enc) {
            case FP32 -> ByteBuffer.wrap(out, off, n * 4).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .put(data.duplicate());
            case FP16 -> {
                ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    short h = Fp16.fromFloat(data.get(i));
                    if (Fp16.isNonFinite(h)) {
                        throw new IllegalArgumentException("data[" + i + "] = " + data.get(i)
                                + " is outside the fp16 range (±65504); use fp32 or int8");
                    }
                    b.putShort(off + 2 * i, h);
                }
            }
            case INT8, INT8_PER_CHANNEL -> {
                int per = n / channels;
                for (int c = 0; c < channels; c++) {
                    Quant.quantize(data, c * per, per, scales[c], zeroPoints[c], out, off + c * per);
                }
            }
        }
    }

    private int deflate(byte[] raw, int rawLen) {
        if (deflater == null) {
            deflater = new Deflater(deflateLevel);
        }
        deflater.reset();
        deflater.setInput(raw, 0, rawLen);
        deflater.finish();
        int bound = rawLen + rawLen / 1000 + 64; // zlib's compressBound is rawLen + rawLen/4096 + 13 ish
        if (deflateScratch.length < bound) {
            deflateScratch = new byte[bound];
        }
        int len = 0;
        while (!deflater.finished()) {
            if (len == deflateScratch.length) {
                deflateScratch = Arrays.copyOf(deflateScratch, deflateScratch.length * 2);
            }
            len += deflater.deflate(deflateScratch, len, deflateScratch.length - len);
        }
        return len;
    }

    private static void writeHeader(Frame f, byte[] modelId, byte[] sampleId, int channels, float[] scales,
                                    byte[] zeroPoints, int payloadLen, byte[] out) {
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.put(FrameLayout.MAGIC_BYTES);
        b.put((byte) FrameLayout.VERSION);
        b.put((byte) f.kind().code());
        b.putShort((short) f.flags());
        b.putLong(Frame.epochMicros(f.deviceTime()));
        b.put(f.manifest().unsafeBytes());
        b.put((byte) f.block());
        b.put((byte) f.deviceExitBlock());
        b.put((byte) f.tensor().dtype().code());
        b.put((byte) f.encoding().code());
        b.put((byte) f.compression().code());
        b.put((byte) f.tensor().rank());
        b.put((byte) modelId.length);
        b.put((byte) sampleId.length);
        b.putInt(payloadLen);
        b.put(modelId);
        b.put(sampleId);
        for (int d : f.tensor().shape()) {
            b.putInt(d);
        }
        for (int c = 0; c < channels; c++) {
            b.putFloat(scales[c]);
        }
        b.put(zeroPoints, 0, channels);
    }

    /** Releases the native zlib stream; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (deflater != null) {
                deflater.end();
                deflater = null;
            }
        }
    }
}
