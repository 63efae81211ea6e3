package io.splitee.mqtt;

import java.nio.charset.StandardCharsets;

/**
 * The size of the MQTT 5 PUBLISH packet that carries an {@link Outgoing}, computed from the
 * specification (section 3.3) instead of by a client library: fixed header, topic name, packet
 * identifier (QoS 1/2), properties and payload. It assumes what both transports send: no topic alias
 * and no payload format indicator. Used to refuse a message before sending it when it would exceed the
 * maximum packet size.
 */
final class PublishPacket {
    private static final int ID_BYTE = 1;
    private static final int INT_32 = 4;
    private static final int LENGTH_PREFIX = 2;

    private PublishPacket() {
    }

    /** Bytes on the wire for {@code m}'s PUBLISH packet. */
    static long encodedSize(Outgoing m) {
        long properties = 0;
        if (m.messageExpiry().isPresent()) {
            properties += ID_BYTE + INT_32;
        }
        if (m.contentType().isPresent()) {
            properties += ID_BYTE + utf8(m.contentType().get());
        }
        if (m.responseTopic().isPresent()) {
            properties += ID_BYTE + utf8(m.responseTopic().get());
        }
        if (m.correlationDataUnsafe().length > 0) {
            properties += ID_BYTE + LENGTH_PREFIX + m.correlationDataUnsafe().length;
        }
        for (UserProperty p : m.userProperties()) {
            properties += ID_BYTE + utf8(p.name()) + utf8(p.value());
        }
        long remaining = utf8(m.topic()) + (m.qos() > 0 ? 2 : 0) + varIntSize(properties) + properties
                + m.payloadUnsafe().length;
        return 1 + varIntSize(remaining) + remaining;
    }

    /** A UTF-8 string with its two-byte length prefix. */
    private static long utf8(String s) {
        return LENGTH_PREFIX + (long) s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The bytes of MQTT's variable byte integer for {@code value} (it grows past 268,435,455 for our purposes). */
    static int varIntSize(long value) {
        int bytes = 1;
        while (value >= 128) {
            value >>>= 7;
            bytes++;
        }
        return bytes;
    }
}
