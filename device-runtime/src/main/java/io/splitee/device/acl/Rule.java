package io.splitee.device.acl;

import java.util.Objects;

/**
 * One line of the fleet's ACL table: an identity may read or write a topic filter. Both renderings come from
 * the same rules: the {@code acl_file} ({@code topic read|write <filter>}, or {@code pattern ...} with
 * {@code %u} for the device rules) and the dynamic-security configuration (a read rule is a
 * {@code subscribePattern} and a {@code publishClientReceive}, a write rule a {@code publishClientSend}).
 *
 * @param access read (subscribe and receive) or write (publish)
 * @param topic  the topic filter; {@code %u} in a device rule rendered for the {@code acl_file}
 * @param shared whether the identity reads it as the shared subscription {@code $share/<group>/<topic>} (the
 *               gateways' features): the dynamic-security rendering allows that subscription literally
 */
record Rule(Access access, String topic, boolean shared) {

    /** What a rule allows. */
    enum Access {
        /** Subscribe to the filter and receive what is published on it. */
        READ,
        /** Publish on the filter. */
        WRITE;

        /** The word of the {@code acl_file}. */
        String word() {
            return this == READ ? "read" : "write";
        }
    }

    Rule {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(topic, "topic");
        if (shared && access != Access.READ) {
            throw new IllegalArgumentException("only a read rule can be a shared subscription: " + topic);
        }
    }

    static Rule read(String topic) {
        return new Rule(Access.READ, topic, false);
    }

    static Rule readShared(String topic) {
        return new Rule(Access.READ, topic, true);
    }

    static Rule write(String topic) {
        return new Rule(Access.WRITE, topic, false);
    }
}
