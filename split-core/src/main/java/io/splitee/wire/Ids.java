package io.splitee.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The rules for the identifiers the wire format carries, and every program checks its ids with: a
 * <em>name</em> (a device id, a model id, a gateway id) is 1..64 characters of {@code [A-Za-z0-9._-]},
 * safe as one MQTT topic level and as a file name ({@code docs/protocol.md}); a <em>sample id</em> is
 * 1..64 bytes of UTF-8 without control characters.
 */
public final class Ids {

    /** Longest model id, device id and sample id, in UTF-8 bytes. */
    public static final int MAX_ID_BYTES = 64;

    private Ids() {
    }

    /**
     * A model or device id: 1..64 characters from {@code [A-Za-z0-9._-]} (safe as an MQTT topic
     * level and a file name). Returns the problem, or empty if valid.
     */
    public static Optional<String> nameProblem(String id) {
        if (id == null) {
            return Optional.of("is missing");
        }
        if (id.isEmpty() || id.length() > MAX_ID_BYTES) {
            return Optional.of("must be 1.." + MAX_ID_BYTES + " characters, got " + id.length());
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isNameChar(c)) {
                return Optional.of("character " + i + " (U+" + String.format("%04X", (int) c)
                        + ") is not one of [A-Za-z0-9._-]");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the characters {@code from} (inclusive) to {@code to} (exclusive) of {@code text} are a name as
     * {@link #nameProblem} checks it; without a regex or an allocation, for a topic level on a callback thread.
     */
    public static boolean isName(CharSequence text, int from, int to) {
        int length = to - from;
        if (length < 1 || length > MAX_ID_BYTES) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!isNameChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }

    /**
     * A sample id: 1..64 bytes of UTF-8 with no control characters. Returns the problem, or
     * empty if valid.
     */
    public static Optional<String> sampleIdProblem(String id) {
        if (id == null) {
            return Optional.of("is missing");
        }
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        if (utf8.length == 0 || utf8.length > MAX_ID_BYTES) {
            return Optional.of("must be 1.." + MAX_ID_BYTES + " bytes of UTF-8, got " + utf8.length);
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of("character " + i + " is a control character");
            }
            if (Character.isSurrogate(c)) {
                boolean pair = Character.isHighSurrogate(c) && i + 1 < id.length()
                        && Character.isLowSurrogate(id.charAt(i + 1));
                if (!pair) {
                    return Optional.of("character " + i + " is an unpaired surrogate");
                }
                i++;
            }
        }
        return Optional.empty();
    }

    /**
     * Checks a name a configuration or a flag gives.
     *
     * @param key the key or flag, e.g. {@code device.id}
     * @return {@code id}
     * @throws IllegalArgumentException {@code key: '<id>' <problem> (a name is 1..64 characters of [A-Za-z0-9._-])}
     */
    public static String requireName(String key, String id) {
        Optional<String> problem = nameProblem(id);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(key + ": '" + id + "' " + problem.get()
                    + " (a name is 1.." + MAX_ID_BYTES + " characters of [A-Za-z0-9._-], one MQTT topic level)");
        }
        return id;
    }

    /** Strict UTF-8 decoding: malformed or truncated sequences give empty. */
    static Optional<String> strictUtf8(ByteBuffer bytes) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return Optional.of(dec.decode(bytes).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
