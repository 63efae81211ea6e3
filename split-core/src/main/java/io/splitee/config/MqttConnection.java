package io.splitee.config;

import io.splitee.mqtt.MqttSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The broker connection of a program that keeps a session: the {@code mqtt.*} keys the device daemon
 * and the gateway share. Validates itself; every {@link IllegalArgumentException} message starts with
 * the key.
 *
 * @param uri           {@code mqtt.uri}: {@code tcp://host:port} or {@code ssl://host:port}
 * @param username      {@code mqtt.username}, optional
 * @param password      {@code mqtt.password}, or the content of {@code mqtt.password-file}; optional
 * @param caFile        {@code mqtt.tls.ca}: PEM CA certificate(s) to trust for {@code ssl://}
 * @param certFile      {@code mqtt.tls.cert}: PEM client certificate (mutual TLS)
 * @param keyFile       {@code mqtt.tls.key}: PEM PKCS#8 client key (mutual TLS)
 * @param sessionExpiry {@code mqtt.session-expiry}: how long the broker keeps the session (and the messages
 *                      not yet acknowledged) after a disconnect; 0 ends it with the connection
 * @param keepAlive     {@code mqtt.keep-alive}: MQTT keep-alive
 * @param maxInFlight   {@code mqtt.max-in-flight}: bound on unacknowledged QoS 1 publishes
 * @param reconnectMin  {@code mqtt.reconnect-min}: first reconnect delay
 * @param reconnectMax  {@code mqtt.reconnect-max}: reconnect back-off ceiling
 * @param client        {@code mqtt.client}: the MQTT client library, {@code paho} or {@code hivemq} (see
 *                      {@link MqttSettings.Client}); {@code hivemq} needs the HiveMQ MQTT client on the class
 *                      path, which the gateway has and the device jar has not
 */
public record MqttConnection(URI uri, Optional<String> username, Optional<String> password,
                             Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
                             Duration sessionExpiry, Duration keepAlive, int maxInFlight,
                             Duration reconnectMin, Duration reconnectMax, MqttSettings.Client client) {

    static final ConfigKey<URI> URI_KEY = ConfigKey.uri("mqtt.uri", URI.create("tcp://localhost:1883"),
            "broker: `tcp://host:port`, or `ssl://host:port` with the TLS files below");
    static final ConfigKey<MqttSettings.Client> CLIENT = ConfigKey.enumOf("mqtt.client", MqttSettings.Client.class,
            MqttSettings.Client.PAHO, "MQTT client library: `paho` or `hivemq` (needs the HiveMQ client on the class path)");
    static final ConfigKey<String> USERNAME = ConfigKey.text("mqtt.username", null, "user name (optional)").asOptional();
    static final ConfigKey<String> PASSWORD = ConfigKey.text("mqtt.password", null,
            "password (optional; prefer `mqtt.password-file`)").asOptional();
    static final ConfigKey<Path> PASSWORD_FILE = ConfigKey.path("mqtt.password-file", null,
            "file holding the password, stripped (optional; not together with `mqtt.password`)").asOptional();
    static final ConfigKey<Path> TLS_CA = ConfigKey.path("mqtt.tls.ca", null,
            "PEM CA bundle to trust for `ssl://` (optional)").asOptional();
    static final ConfigKey<Path> TLS_CERT = ConfigKey.path("mqtt.tls.cert", null,
            "PEM client certificate for mutual TLS (optional; with `mqtt.tls.key`)").asOptional();
    static final ConfigKey<Path> TLS_KEY = ConfigKey.path("mqtt.tls.key", null,
            "PEM PKCS#8 client key for mutual TLS (optional; with `mqtt.tls.cert`)").asOptional();
    static final ConfigKey<Duration> SESSION_EXPIRY = ConfigKey.duration("mqtt.session-expiry", Duration.ofHours(1),
                    "how long the broker keeps the session (and the messages not yet acknowledged) while the program is away; 0 ends it with the connection")
            .allowing(d -> d.getSeconds() <= 0xFFFF_FFFFL, "must be 0 s..4294967295 s");
    static final ConfigKey<Duration> KEEP_ALIVE = ConfigKey.duration("mqtt.keep-alive", Duration.ofSeconds(30),
                    "MQTT keep-alive")
            .allowing(d -> !d.isZero() && d.getSeconds() <= 65_535, "must be 1 s..65535 s");
    static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.integer("mqtt.max-in-flight", 32, 1, 65_535,
            "bound on QoS 1 publishes awaiting the broker's acknowledgement");
    static final ConfigKey<Duration> RECONNECT_MIN = ConfigKey.duration("mqtt.reconnect-min", Duration.ofSeconds(1),
            "first automatic reconnect delay").allowing(d -> !d.isZero(), "must be positive");
    static final ConfigKey<Duration> RECONNECT_MAX = ConfigKey.duration("mqtt.reconnect-max", Duration.ofSeconds(30),
            "reconnect back-off ceiling (the delay doubles up to it)").allowing(d -> !d.isZero(), "must be positive");

    /** Validates; see the record description. */
    public MqttConnection {
        URI_KEY.check(uri);
        String scheme = uri.getScheme();
        if (!"tcp".equals(scheme) && !"ssl".equals(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("mqtt.uri: '" + uri
                    + "' is not a tcp://host:port or ssl://host:port URI");
        }
        Objects.requireNonNull(username, "mqtt.username");
        Objects.requireNonNull(password, "mqtt.password");
        Objects.requireNonNull(caFile, "mqtt.tls.ca");
        Objects.requireNonNull(certFile, "mqtt.tls.cert");
        Objects.requireNonNull(keyFile, "mqtt.tls.key");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("mqtt.tls.cert and mqtt.tls.key: give both or neither");
        }
        if ((caFile.isPresent() || certFile.isPresent()) && !"ssl".equals(scheme)) {
            throw new IllegalArgumentException("mqtt.tls.*: TLS files are set but mqtt.uri '" + uri
                    + "' is not ssl://");
        }
        if (password.isPresent() && username.isEmpty()) {
            throw new IllegalArgumentException("mqtt.password: set without mqtt.username");
        }
        SESSION_EXPIRY.check(sessionExpiry);
        KEEP_ALIVE.check(keepAlive);
        MAX_IN_FLIGHT.check(maxInFlight);
        RECONNECT_MIN.check(reconnectMin);
        RECONNECT_MAX.check(reconnectMax);
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("mqtt.reconnect-max: " + reconnectMax
                    + " is below mqtt.reconnect-min " + reconnectMin);
        }
        CLIENT.check(client);
    }

    /**
     * The {@code mqtt.*} keys, in documented order, with their defaults: {@code tcp://localhost:1883}, no
     * credentials, no TLS, keep-alive 30 s, reconnect after 1 s backing off to 30 s, and the program's own
     * defaults for the rest.
     *
     * @param sessionExpiry the program's default {@code mqtt.session-expiry}, e.g. 1 h
     * @param maxInFlight   the program's default {@code mqtt.max-in-flight}
     * @param client        the program's default {@code mqtt.client}
     */
    public static List<ConfigKey<?>> keys(Duration sessionExpiry, int maxInFlight, MqttSettings.Client client) {
        return List.of(URI_KEY, CLIENT.withDefault(client), USERNAME, PASSWORD, PASSWORD_FILE, TLS_CA, TLS_CERT,
                TLS_KEY, SESSION_EXPIRY.withDefault(sessionExpiry), KEEP_ALIVE, MAX_IN_FLIGHT.withDefault(maxInFlight),
                RECONNECT_MIN, RECONNECT_MAX);
    }

    /**
     * Reads the keys of {@link #keys}; the password comes from {@code mqtt.password} or, stripped, from the
     * file {@code mqtt.password-file} names (not both).
     *
     * @throws ConfigException naming the key when the password file cannot be read
     * @throws IllegalArgumentException naming the key when the values are parsed but invalid together
     *     (see {@link ConfigSource#invalid})
     */
    public static MqttConnection read(ConfigSource c) throws ConfigException {
        Optional<String> password = c.optional(PASSWORD);
        Optional<Path> passwordFile = c.optional(PASSWORD_FILE);
        if (password.isPresent() && passwordFile.isPresent()) {
            throw new ConfigException("mqtt.password-file", "set together with mqtt.password; choose one");
        }
        if (passwordFile.isPresent()) {
            Path pf = passwordFile.get();
            try {
                password = Optional.of(Files.readString(pf, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new ConfigException("mqtt.password-file", "cannot read " + pf + ": " + e);
            }
        }
        return new MqttConnection(c.get(URI_KEY), c.optional(USERNAME), password, c.optional(TLS_CA),
                c.optional(TLS_CERT), c.optional(TLS_KEY), c.get(SESSION_EXPIRY), c.get(KEEP_ALIVE),
                c.get(MAX_IN_FLIGHT), c.get(RECONNECT_MIN), c.get(RECONNECT_MAX), c.get(CLIENT));
    }

    /**
     * {@code c} with this connection's values as the program's own (see {@link ConfigSource#with}): a
     * program that builds its configuration in code and still takes {@code --set} overrides.
     */
    public ConfigSource applyTo(ConfigSource c) {
        ConfigSource out = c.with(URI_KEY, uri).with(SESSION_EXPIRY, sessionExpiry).with(KEEP_ALIVE, keepAlive)
                .with(MAX_IN_FLIGHT, maxInFlight).with(RECONNECT_MIN, reconnectMin).with(RECONNECT_MAX, reconnectMax)
                .with(CLIENT, client);
        if (username.isPresent()) {
            out = out.with(USERNAME, username.get());
        }
        if (password.isPresent()) {
            out = out.with(PASSWORD, password.get());
        }
        if (caFile.isPresent()) {
            out = out.with(TLS_CA, caFile.get());
        }
        if (certFile.isPresent()) {
            out = out.with(TLS_CERT, certFile.get()).with(TLS_KEY, keyFile.orElseThrow());
        }
        return out;
    }

    /**
     * A builder starting from the defaults of {@link #keys} with session expiry 1 h, 32 publishes in flight
     * and the Paho client.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link MqttConnection} without strings; {@link #build} validates. */
    public static final class Builder {
        private URI uri = URI_KEY.defaultValue().orElseThrow();
        private String username;
        private String password;
        private Path caFile;
        private Path certFile;
        private Path keyFile;
        private Duration sessionExpiry = SESSION_EXPIRY.defaultValue().orElseThrow();
        private Duration keepAlive = KEEP_ALIVE.defaultValue().orElseThrow();
        private int maxInFlight = MAX_IN_FLIGHT.defaultValue().orElseThrow();
        private Duration reconnectMin = RECONNECT_MIN.defaultValue().orElseThrow();
        private Duration reconnectMax = RECONNECT_MAX.defaultValue().orElseThrow();
        private MqttSettings.Client client = CLIENT.defaultValue().orElseThrow();

        private Builder() {
        }

        /** {@code mqtt.uri}. */
        public Builder uri(URI value) {
            this.uri = value;
            return this;
        }

        /** {@code mqtt.uri}, e.g. {@code tcp://127.0.0.1:1883}. */
        public Builder uri(String value) {
            return uri(URI.create(value));
        }

        /** {@code mqtt.username} and {@code mqtt.password} (null: none). */
        public Builder credentials(String user, String secret) {
            this.username = user;
            this.password = secret;
            return this;
        }

        /** {@code mqtt.tls.ca}, {@code mqtt.tls.cert}, {@code mqtt.tls.key} (null: none). */
        public Builder tls(Path ca, Path cert, Path key) {
            this.caFile = ca;
            this.certFile = cert;
            this.keyFile = key;
            return this;
        }

        /** {@code mqtt.session-expiry}. */
        public Builder sessionExpiry(Duration value) {
            this.sessionExpiry = value;
            return this;
        }

        /** {@code mqtt.keep-alive}. */
        public Builder keepAlive(Duration value) {
            this.keepAlive = value;
            return this;
        }

        /** {@code mqtt.max-in-flight}. */
        public Builder maxInFlight(int value) {
            this.maxInFlight = value;
            return this;
        }

        /** {@code mqtt.reconnect-min} and {@code mqtt.reconnect-max}. */
        public Builder reconnect(Duration min, Duration max) {
            this.reconnectMin = min;
            this.reconnectMax = max;
            return this;
        }

        /** {@code mqtt.client}. */
        public Builder client(MqttSettings.Client value) {
            this.client = value;
            return this;
        }

        /**
         * The validated connection.
         *
         * @throws IllegalArgumentException naming the key
         */
        public MqttConnection build() {
            return new MqttConnection(uri, Optional.ofNullable(username), Optional.ofNullable(password),
                    Optional.ofNullable(caFile), Optional.ofNullable(certFile), Optional.ofNullable(keyFile),
                    sessionExpiry, keepAlive, maxInFlight, reconnectMin, reconnectMax, client);
        }
    }

    /**
     * Transport settings for this connection with a persistent session ({@code cleanStart(false)}): the
     * client library, session expiry, keep-alive, reconnect delays, in-flight bound, credentials and TLS. The caller adds
     * what is its own (receive maximum, last will) and builds.
     *
     * @param clientId the MQTT client id; a restarted program with the same id resumes its session
     */
    public MqttSettings.Builder settings(String clientId) {
        MqttSettings.Builder b = MqttSettings.builder(clientId, uri.toString())
                .client(client)
                .cleanStart(false)
                .sessionExpiry(sessionExpiry)
                .keepAlive(keepAlive)
                .reconnectDelay(reconnectMin, reconnectMax)
                .maxInFlight(maxInFlight);
        username.ifPresent(u -> b.credentials(MqttSettings.Credentials.of(u, password.orElse(""))));
        caFile.ifPresent(ca -> b.tls(certFile.isPresent()
                ? MqttSettings.Tls.mutual(ca, certFile.get(), keyFile.get())
                : MqttSettings.Tls.serverOnly(ca)));
        return b;
    }

    /** Without the password. */
    @Override
    public String toString() {
        return "MqttConnection[uri=" + uri + ", client=" + client.name().toLowerCase(Locale.ROOT)
                + ", username=" + username.orElse("-") + ", password="
                + (password.isPresent() ? "***" : "-") + ", tls=" + caFile.isPresent()
                + ", sessionExpiry=" + sessionExpiry + "]";
    }
}
