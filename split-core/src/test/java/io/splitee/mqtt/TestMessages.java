package io.splitee.mqtt;

import java.time.Duration;

/** Messages the adapters' conversion tests share. */
public final class TestMessages {
    private TestMessages() {
    }

    /** A QoS 1 message with every MQTT 5 property the transports carry. */
    public static Outgoing full(byte[] payload) {
        return Outgoing.builder("splitee/d1/features", payload)
                .qos(1)
                .contentType("application/x-splitee-features")
                .responseTopic("splitee/d1/result")
                .correlationData(new byte[] {1, 2, 3})
                .userProperty("exit", "3")
                .userProperty("exit", "4")
                .messageExpiry(Duration.ofSeconds(30))
                .build();
    }
}
