package io.splitee.mqtt;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The maximum packet size both transports enforce before sending (neither client library does): the
 * smaller of the broker's CONNACK Maximum Packet Size and {@link MqttSettings#maxPacketSize()}.
 */
final class PacketLimit {

    private PacketLimit() {
    }

    /**
     * Why a PUBLISH of {@code size} encoded bytes must not be sent, or empty when it fits.
     *
     * @param broker     the broker's limit from the last CONNACK, if it announced one
     * @param configured the configured limit, if any
     */
    static Optional<String> tooLarge(Outgoing message, long size, OptionalInt broker, OptionalInt configured) {
        OptionalInt limit = broker.isPresent() && configured.isPresent()
                ? OptionalInt.of(Math.min(broker.getAsInt(), configured.getAsInt()))
                : broker.isPresent() ? broker : configured;
        if (limit.isEmpty() || size <= limit.getAsInt()) {
            return Optional.empty();
        }
        String source = broker.isPresent() && (configured.isEmpty() || broker.getAsInt() <= configured.getAsInt())
                ? "the broker's CONNACK Maximum Packet Size" : "the configured maxPacketSize";
        return Optional.of("the PUBLISH to '" + message.topic() + "' would be " + size + " bytes encoded (payload "
                + message.payloadBuffer().remaining() + " bytes), over the maximum packet size of " + limit.getAsInt()
                + " bytes (" + source + "); nothing was sent");
    }
}
