package io.splitee.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a {@link Transport} connects to its MQTT 5 broker. Validated on construction: a bad value
 * gets an {@link IllegalArgumentException} naming the field. Build one with {@link #builder}.
 *
 * @param clientId            MQTT client identifier; also names the transport's threads
 * @param serverUri           {@code tcp://host:port} or {@code ssl://host:port}
 * @param credentials         user name and password, if the broker wants them
 * @param tls                 PEM files for {@code ssl://}; absent means the JVM's default trust store
 * @param cleanStart          start a new session on every connect (default {@code false}: resume it,
 *                            so that QoS 1 messages the broker holds survive a disconnect)
 * @param sessionExpiry       how long the broker keeps the session after a disconnect (default 1 h)
 * @param keepAlive           MQTT keep-alive, whole seconds, 0..65535 (0 disables; default 30 s)
 * @param connectTimeout      how long {@link Transport#start()} and each reconnect attempt wait for CONNACK
 * @param reconnectMinDelay   first delay before a reconnect attempt; doubles after each failure
 * @param reconnectMaxDelay   cap of that delay
 * @param operationTimeout    how long subscribe and close wait for the broker
 * @param maxInFlight         publishes handed to the client but not yet acknowledged (default 32);
 *                            the broker's CONNACK Receive Maximum lowers it further if smaller
 * @param backpressureTimeout how long {@link Transport#publish} waits for a free in-flight slot
 * @param receiveMaximum      how many unacknowledged QoS 1/2 messages the broker may send us at once
 * @param will                the last will, published by the broker if the connection dies
 * @param maxPacketSize       outgoing PUBLISH packets larger than this are refused (the broker's
 *                            CONNACK Maximum Packet Size applies too; the smaller wins)
 * @param maxIncomingPacketSize the Maximum Packet Size announced in CONNECT: the broker sends nothing larger
 *                            (it drops such a message for this client), so a hostile 60 MB message never reaches
 *                            a 64 MB heap; absent = no limit announced
 * @param persistenceDir      where the client keeps its in-flight QoS 1/2 state; absent = memory only
 *                            (Paho only: {@link Client#HIVEMQ} refuses it)
 * @param client              which MQTT client library implements the transport (default {@link Client#PAHO})
 */
public record MqttSettings(
        String clientId,
        String serverUri,
        Optional<Credentials> credentials,
        Optional<Tls> tls,
        boolean cleanStart,
        Duration sessionExpiry,
        Duration keepAlive,
        Duration connectTimeout,
        Duration reconnectMinDelay,
        Duration reconnectMaxDelay,
        Duration operationTimeout,
        int maxInFlight,
        Duration backpressureTimeout,
        int receiveMaximum,
        Optional<Will> will,
        OptionalInt maxPacketSize,
        OptionalInt maxIncomingPacketSize,
        Optional<Path> persistenceDir,
        Client client) {

    /** MQTT 5: the largest packet any peer can send (remaining length of 268,435,455 + 5 header bytes). */
    public static final int MQTT_MAX_PACKET_SIZE = 268_435_460;
    private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFF_FFFFL;

    /** Validates every field; see the record description. */
    public MqttSettings {
        require(clientId, "clientId");
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("clientId must not be blank");
        }
        if (clientId.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            throw new IllegalArgumentException("clientId is longer than 65535 UTF-8 bytes");
        }
        for (int i = 0; i < clientId.length(); i++) {
            char c = clientId.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw new IllegalArgumentException(
                        "clientId must not contain whitespace or control characters: '" + clientId + "'");
            }
        }
        require(serverUri, "serverUri");
        String scheme = schemeOf(serverUri);
        require(credentials, "credentials");
        require(tls, "tls");
        if (tls.isPresent() && !scheme.equals("ssl")) {
            throw new IllegalArgumentException("tls is set but serverUri '" + serverUri + "' is not ssl://");
        }
        requireRange(sessionExpiry, "sessionExpiry", Duration.ZERO, Duration.ofSeconds(MAX_SESSION_EXPIRY_SECONDS));
        requireRange(keepAlive, "keepAlive", Duration.ZERO, Duration.ofSeconds(65_535));
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(reconnectMinDelay, "reconnectMinDelay");
        requirePositive(reconnectMaxDelay, "reconnectMaxDelay");
        if (reconnectMaxDelay.compareTo(reconnectMinDelay) < 0) {
            throw new IllegalArgumentException("reconnectMaxDelay (" + reconnectMaxDelay
                    + ") must not be shorter than reconnectMinDelay (" + reconnectMinDelay + ")");
        }
        requirePositive(operationTimeout, "operationTimeout");
        if (maxInFlight < 1 || maxInFlight > 65_535) {
            throw new IllegalArgumentException("maxInFlight must be 1..65535, got " + maxInFlight);
        }
        require(backpressureTimeout, "backpressureTimeout");
        if (backpressureTimeout.isNegative()) {
            throw new IllegalArgumentException("backpressureTimeout must not be negative, got " + backpressureTimeout);
        }
        if (receiveMaximum < 1 || receiveMaximum > 65_535) {
            throw new IllegalArgumentException("receiveMaximum must be 1..65535, got " + receiveMaximum);
        }
        require(will, "will");
        require(maxPacketSize, "maxPacketSize");
        require(maxIncomingPacketSize, "maxIncomingPacketSize");
        if (maxIncomingPacketSize.isPresent() && (maxIncomingPacketSize.getAsInt() < 16
                || maxIncomingPacketSize.getAsInt() > MQTT_MAX_PACKET_SIZE)) {
            throw new IllegalArgumentException("maxIncomingPacketSize must be 16.." + MQTT_MAX_PACKET_SIZE
                    + " bytes, got " + maxIncomingPacketSize.getAsInt());
        }
        if (maxPacketSize.isPresent()
                && (maxPacketSize.getAsInt() < 16 || maxPacketSize.getAsInt() > MQTT_MAX_PACKET_SIZE)) {
            throw new IllegalArgumentException("maxPacketSize must be 16.." + MQTT_MAX_PACKET_SIZE
                    + " bytes, got " + maxPacketSize.getAsInt());
        }
        require(persistenceDir, "persistenceDir");
        require(client, "client");
        if (client == Client.HIVEMQ && persistenceDir.isPresent()) {
            throw new IllegalArgumentException("persistenceDir is not supported with client HIVEMQ: the HiveMQ "
                    + "MQTT client keeps its in-flight QoS 1/2 state in memory only (use client PAHO for a "
                    + "persistent store)");
        }
    }

    /**
     * The MQTT client library under {@link Transport#mqtt}. Both implement the whole {@link Transport}
     * contract; where they differ is said here.
     */
    public enum Client {
        /**
         * Eclipse Paho mqttv5 1.2.5: always on the class path (the device jar ships only this one).
         * Decodes incoming payloads one byte at a time, which costs CPU for large messages.
         */
        PAHO,
        /**
         * The HiveMQ MQTT client 1.3 (Netty): bulk payload copies, so much cheaper for large incoming
         * messages. An optional dependency of split-core that the gateway carries and the device jar does
         * not. It sends acknowledgements in the order the messages arrived, as MQTT 5 requires
         * ([MQTT-4.6.0-2]): an {@link Transport#ack ack} takes effect once every earlier message of the same
         * connection is acked, so a message left unacknowledged keeps the later ones with the broker too.
         * It drops the connection when the broker sends more unacknowledged messages than
         * {@link MqttSettings#receiveMaximum()} (Mosquitto 2.0.11 does); the transport then reconnects once
         * announcing the largest Receive Maximum, 65,535, and says so in a warning.
         * It has no file persistence ({@link MqttSettings#persistenceDir()} is refused).
         */
        HIVEMQ
    }

    /** Starts a builder with the defaults described on the record. */
    public static Builder builder(String clientId, String serverUri) {
        return new Builder(clientId, serverUri);
    }

    /** A copy of these settings with another client id (e.g. one per test or per gateway worker). */
    public MqttSettings withClientId(String newClientId) {
        return new MqttSettings(newClientId, serverUri, credentials, tls, cleanStart, sessionExpiry, keepAlive,
                connectTimeout, reconnectMinDelay, reconnectMaxDelay, operationTimeout, maxInFlight,
                backpressureTimeout, receiveMaximum, will, maxPacketSize, maxIncomingPacketSize, persistenceDir,
                client);
    }

    private static String schemeOf(String serverUri) {
        URI uri;
        try {
            uri = new URI(serverUri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("serverUri '" + serverUri + "' is not a URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            throw new IllegalArgumentException(
                    "serverUri '" + serverUri + "' must start with tcp:// or ssl://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("serverUri '" + serverUri + "' has no host");
        }
        if (uri.getPort() < 1) {
            throw new IllegalArgumentException("serverUri '" + serverUri + "' has no port (e.g. tcp://host:1883)");
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            throw new IllegalArgumentException("serverUri '" + serverUri + "' must not have a path");
        }
        return scheme;
    }

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }

    private static void requirePositive(Duration d, String field) {
        require(d, field);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(field + " must be positive, got " + d);
        }
    }

    private static void requireRange(Duration d, String field, Duration min, Duration max) {
        require(d, field);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", got " + d);
        }
    }

    /**
     * User name and password for the broker.
     *
     * @param username the MQTT user name
     * @param password the MQTT password (binary in MQTT 5; usually UTF-8 text); copied
     */
    public record Credentials(String username, byte[] password) {
        /** Validates and copies the password. */
        public Credentials {
            require(username, "credentials.username");
            require(password, "credentials.password");
            password = password.clone();
        }

        /** Convenience for a text password, encoded as UTF-8. */
        public static Credentials of(String username, String password) {
            require(password, "credentials.password");
            return new Credentials(username, password.getBytes(StandardCharsets.UTF_8));
        }

        /** A copy of the password. */
        @Override
        public byte[] password() {
            return password.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Credentials c && c.username.equals(username) && Arrays.equals(c.password, password);
        }

        @Override
        public int hashCode() {
            return Objects.hash(username, Arrays.hashCode(password));
        }

        /** Never prints the password. */
        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }

    /**
     * TLS material as PEM files, read with the JDK only. The CA file may hold several
     * certificates. The client key must be an unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY},
     * RSA or EC); convert others with {@code openssl pkcs8 -topk8 -nocrypt}.
     *
     * @param caFile         certificates that sign the broker's certificate
     * @param clientCertFile the client's certificate chain, for brokers that require client certificates
     * @param clientKeyFile  the client's PKCS#8 private key; present exactly when {@code clientCertFile} is
     */
    public record Tls(Path caFile, Optional<Path> clientCertFile, Optional<Path> clientKeyFile) {
        /** Validates that the client certificate and key come together. */
        public Tls {
            require(caFile, "tls.caFile");
            require(clientCertFile, "tls.clientCertFile");
            require(clientKeyFile, "tls.clientKeyFile");
            if (clientCertFile.isPresent() != clientKeyFile.isPresent()) {
                throw new IllegalArgumentException(
                        "tls.clientCertFile and tls.clientKeyFile must be given together");
            }
        }

        /** Server authentication only. */
        public static Tls serverOnly(Path caFile) {
            return new Tls(caFile, Optional.empty(), Optional.empty());
        }

        /** Mutual TLS. */
        public static Tls mutual(Path caFile, Path clientCertFile, Path clientKeyFile) {
            return new Tls(caFile, Optional.of(require(clientCertFile, "tls.clientCertFile")),
                    Optional.of(require(clientKeyFile, "tls.clientKeyFile")));
        }
    }

    /**
     * The last will: what the broker publishes when this client's connection ends without a
     * clean DISCONNECT (crash, network loss, keep-alive timeout).
     *
     * @param topic    a topic name (no wildcards)
     * @param payload  the payload; copied
     * @param qos      0, 1 or 2
     * @param retained whether the broker retains it
     */
    public record Will(String topic, byte[] payload, int qos, boolean retained) {
        /** Validates and copies the payload. */
        public Will {
            TopicFilter.validateTopicName(topic, "will.topic");
            require(payload, "will.payload");
            if (qos < 0 || qos > 2) {
                throw new IllegalArgumentException("will.qos must be 0, 1 or 2, got " + qos);
            }
            payload = payload.clone();
        }

        /** A copy of the payload. */
        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Will w && w.topic.equals(topic) && Arrays.equals(w.payload, payload)
                    && w.qos == qos && w.retained == retained;
        }

        @Override
        public int hashCode() {
            return Objects.hash(topic, Arrays.hashCode(payload), qos, retained);
        }

        @Override
        public String toString() {
            return "Will[topic=" + topic + ", payload=" + payload.length + " bytes, qos=" + qos
                    + ", retained=" + retained + "]";
        }
    }

    /** Builder with the documented defaults; {@link #build()} validates. */
    public static final class Builder {
        private String clientId;
        private String serverUri;
        private Credentials credentials;
        private Tls tls;
        private boolean cleanStart = false;
        private Duration sessionExpiry = Duration.ofHours(1);
        private Duration keepAlive = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration reconnectMinDelay = Duration.ofSeconds(1);
        private Duration reconnectMaxDelay = Duration.ofSeconds(30);
        private Duration operationTimeout = Duration.ofSeconds(10);
        private int maxInFlight = 32;
        private Duration backpressureTimeout = Duration.ofSeconds(5);
        private int receiveMaximum = 64;
        private Will will;
        private Integer maxPacketSize;
        private Integer maxIncomingPacketSize;
        private Path persistenceDir;
        private Client client = Client.PAHO;

        private Builder(String clientId, String serverUri) {
            this.clientId = clientId;
            this.serverUri = serverUri;
        }

        /** @see MqttSettings#clientId() */
        public Builder clientId(String v) { this.clientId = v; return this; }
        /** @see MqttSettings#serverUri() */
        public Builder serverUri(String v) { this.serverUri = v; return this; }
        /** @see MqttSettings#credentials() */
        public Builder credentials(Credentials v) { this.credentials = v; return this; }
        /** @see MqttSettings#tls() */
        public Builder tls(Tls v) { this.tls = v; return this; }
        /** @see MqttSettings#cleanStart() */
        public Builder cleanStart(boolean v) { this.cleanStart = v; return this; }
        /** @see MqttSettings#sessionExpiry() */
        public Builder sessionExpiry(Duration v) { this.sessionExpiry = v; return this; }
        /** @see MqttSettings#keepAlive() */
        public Builder keepAlive(Duration v) { this.keepAlive = v; return this; }
        /** @see MqttSettings#connectTimeout() */
        public Builder connectTimeout(Duration v) { this.connectTimeout = v; return this; }

        /** Reconnect back-off: first {@code min}, doubling per failure, capped at {@code max}. */
        public Builder reconnectDelay(Duration min, Duration max) {
            this.reconnectMinDelay = min;
            this.reconnectMaxDelay = max;
            return this;
        }

        /** @see MqttSettings#operationTimeout() */
        public Builder operationTimeout(Duration v) { this.operationTimeout = v; return this; }
        /** @see MqttSettings#maxInFlight() */
        public Builder maxInFlight(int v) { this.maxInFlight = v; return this; }
        /** @see MqttSettings#backpressureTimeout() */
        public Builder backpressureTimeout(Duration v) { this.backpressureTimeout = v; return this; }
        /** @see MqttSettings#receiveMaximum() */
        public Builder receiveMaximum(int v) { this.receiveMaximum = v; return this; }
        /** @see MqttSettings#will() */
        public Builder will(Will v) { this.will = v; return this; }
        /** @see MqttSettings#maxPacketSize() */
        public Builder maxPacketSize(int v) { this.maxPacketSize = v; return this; }
        /** @see MqttSettings#persistenceDir() */
        public Builder persistenceDir(Path v) { this.persistenceDir = v; return this; }
        /** @see MqttSettings#client() */
        public Builder client(Client v) { this.client = v; return this; }

        /** @see MqttSettings#maxIncomingPacketSize() */
        public Builder maxIncomingPacketSize(int v) { this.maxIncomingPacketSize = v; return this; }

        /** Validates and builds. */
        public MqttSettings build() {
            return new MqttSettings(clientId, serverUri, Optional.ofNullable(credentials), Optional.ofNullable(tls),
                    cleanStart, sessionExpiry, keepAlive, connectTimeout, reconnectMinDelay, reconnectMaxDelay,
                    operationTimeout, maxInFlight, backpressureTimeout, receiveMaximum, Optional.ofNullable(will),
                    maxPacketSize == null ? OptionalInt.empty() : OptionalInt.of(maxPacketSize),
                    maxIncomingPacketSize == null ? OptionalInt.empty() : OptionalInt.of(maxIncomingPacketSize),
                    Optional.ofNullable(persistenceDir), client);
        }
    }
}
