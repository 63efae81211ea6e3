package io.splitee.device.daemon;

import io.splitee.device.ingest.ImageDecoder;
import io.splitee.model.InputSpec;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.UserProperty;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.FrameException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a message from the samples topic into the model's input tensor, or a precise reason why not.
 *
 * <p>Accepted: a sample frame ({@value Frame#CONTENT_TYPE}, or no content type and the frame's magic)
 * whose tensor is the model input; a PNG or JPEG image ({@code image/png}, {@code image/jpeg}). The
 * sample id is the frame's; for an image, the {@code sample-id} user property, else the correlation
 * data (UTF-8), else {@code img-} and the first 16 hex digits of the payload's SHA-256 (stable across
 * redeliveries, so a redelivered image is still answered once).
 */
final class SampleDecoding {
    /** A decoded sample or a rejection; exactly one of {@code input} and {@code errorCode} is set. */
    record Decoded(String sampleId, FloatBuffer input, String errorCode, String errorMessage) {
        boolean ok() {
            return errorCode == null;
        }
    }

    private final FrameDecoder frames;
    private final ImageDecoder images;
    private final InputSpec input;
    private final int maxBytes;
    private FloatBuffer scratch;

    SampleDecoding(FrameDecoder frames, InputSpec input, int maxBytes) {
        this.frames = frames;
        this.input = input;
        this.images = new ImageDecoder(input.image().height(), input.image().width(), input.image().channels());
        this.maxBytes = maxBytes;
    }

    /** Decodes into {@code dest} (boundary 0 of the runner), which must hold the input tensor. */
    Decoded decode(Incoming m, FloatBuffer dest) {
        ByteBuffer payload = m.payloadBuffer();
        String ct = m.contentType().orElse("").toLowerCase(Locale.ROOT);
        if (payload.remaining() > maxBytes) {
            return new Decoded(fallbackId(m), null, "TOO_LARGE",
                    "payload of " + payload.remaining() + " bytes exceeds the limit of " + maxBytes + " bytes");
        }
        if (ImageDecoder.accepts(ct)) {
            try {
                byte[] px = images.decode(m.payload());
                input.normalise(px, dest);
                return new Decoded(fallbackId(m), dest, null, null);
            } catch (ImageDecoder.ImageException e) {
                return new Decoded(fallbackId(m), null, "BAD_IMAGE", e.getMessage());
            }
        }
        if (!ct.isEmpty() && !ct.startsWith(Frame.CONTENT_TYPE)) {
            return new Decoded(fallbackId(m), null, "UNSUPPORTED_CONTENT_TYPE", "content type '" + ct
                    + "' is not supported on the samples topic (" + Frame.CONTENT_TYPE + ", image/png, image/jpeg, "
                    + ImageDecoder.PGM + ")");
        }
        Frame f;
        try {
            // straight into the runner's input buffer, once the frame is validated; a valid frame of another
            // shape (a features frame sent to the samples topic) goes to a buffer of its own and is refused
            // below by its kind, never into the runner's buffer
            f = frames.decode(payload, n -> n == dest.capacity() ? dest.clear() : FloatBuffer.allocate(n));
        } catch (FrameException e) {
            return new Decoded(e.sampleId().orElseGet(() -> fallbackId(m)), null, e.code().name(), e.getMessage());
        }
        dest.clear();
        if (f.kind() != Frame.Kind.SAMPLE) {
            return new Decoded(f.sampleId(), null, "BAD_KIND",
                    "the samples topic takes sample frames (block 0); this frame carries features after block " + f.block());
        }
        return new Decoded(f.sampleId(), dest, null, null);
    }

    /**
     * The sample id of a message, decoding it into a scratch buffer (used for samples answered
     * {@code overloaded} without inference, so their answer names the same id a full decode would).
     */
    String sampleIdOf(Incoming m) {
        if (scratch == null) {
            scratch = FloatBuffer.allocate(input.pixelCount());
        }
        return decode(m, scratch).sampleId();
    }

    /** A message that could not be decoded, answered by its fallback id. */
    static Decoded failed(Incoming m, String code, String message) {
        return new Decoded(fallbackId(m), null, code, message);
    }

    /** The id of a message that carries none in a frame (computed only when needed: it hashes the payload). */
    private static String fallbackId(Incoming m) {
        for (UserProperty p : m.userProperties()) {
            if ("sample-id".equals(p.name()) && validId(p.value())) {
                return p.value();
            }
        }
        byte[] corr = m.correlationData();
        if (corr.length > 0) {
            String s = new String(corr, StandardCharsets.UTF_8);
            if (validId(s)) {
                return s;
            }
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(m.payloadBuffer());
            byte[] d = md.digest();
            return "img-" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    static boolean validId(String s) {
        if (s == null || s.isEmpty() || s.getBytes(StandardCharsets.UTF_8).length > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static Optional<String> idOf(byte[] correlation) {
        String s = new String(correlation, StandardCharsets.UTF_8);
        return validId(s) ? Optional.of(s) : Optional.empty();
    }
}
