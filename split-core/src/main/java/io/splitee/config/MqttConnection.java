package io.splitee.config;

import io.splitee.mqtt.MqttSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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

    /** Validates; see the record description. */
    public MqttConnection {
        Objects.requireNonNull(uri, "mqtt.uri");
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
        Objects.requireNonNull(sessionExpiry, "mqtt.session-expiry");
        if (sessionExpiry.isNegative() || sessionExpiry.getSeconds() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("mqtt.session-expiry: " + sessionExpiry
                    + " must be 0 s..4294967295 s");
        }
        Objects.requireNonNull(keepAlive, "mqtt.keep-alive");
        if (keepAlive.isNegative() || keepAlive.isZero() || keepAlive.getSeconds() > 65_535) {
            throw new IllegalArgumentException("mqtt.keep-alive: " + keepAlive + " must be 1 s..65535 s");
        }
        ConfigSource.requireRange("mqtt.max-in-flight", maxInFlight, 1, 65_535);
        ConfigSource.requirePositive("mqtt.reconnect-min", reconnectMin);
        ConfigSource.requirePositive("mqtt.reconnect-max", reconnectMax);
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("mqtt.reconnect-max: " + reconnectMax
                    + " is below mqtt.reconnect-min " + reconnectMin);
        }
        Objects.requireNonNull(client, "mqtt.client");
    }

    /**
     * The keys, in documented order, with their defaults: {@code tcp://localhost:1883}, the Paho client, no
     * credentials, no TLS, keep-alive 30 s, reconnect after 1 s backing off to 30 s. A program that prefers
     * another client puts its own default for {@code mqtt.client} over this one.
     *
     * @param sessionExpiry the program's default {@code mqtt.session-expiry}, e.g. {@code 1h}
     * @param maxInFlight   the program's default {@code mqtt.max-in-flight}
     */
    public static Map<String, String> keys(String sessionExpiry, int maxInFlight) {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("mqtt.uri", "tcp://localhost:1883");
        k.put("mqtt.client", "paho");
        k.put("mqtt.username", "");
        k.put("mqtt.password", "");
        k.put("mqtt.password-file", "");
        k.put("mqtt.tls.ca", "");
        k.put("mqtt.tls.cert", "");
        k.put("mqtt.tls.key", "");
        k.put("mqtt.session-expiry", sessionExpiry);
        k.put("mqtt.keep-alive", "30s");
        k.put("mqtt.max-in-flight", Integer.toString(maxInFlight));
        k.put("mqtt.reconnect-min", "1s");
        k.put("mqtt.reconnect-max", "30s");
        return k;
    }

    /**
     * Reads the keys of {@link #keys}; the password comes from {@code mqtt.password} or, stripped, from the
     * file {@code mqtt.password-file} names (not both).
     *
     * @throws ConfigException naming the key when a value cannot be parsed or the password file read
     * @throws IllegalArgumentException naming the key when the values are parsed but invalid together
     *     (see {@link ConfigSource#invalid})
     */
    public static MqttConnection read(ConfigSource c) throws ConfigException {
        Optional<String> password = c.optional("mqtt.password");
        Optional<Path> passwordFile = c.optionalPath("mqtt.password-file");
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
        return new MqttConnection(c.uri("mqtt.uri"), c.optional("mqtt.username"), password,
                c.optionalPath("mqtt.tls.ca"), c.optionalPath("mqtt.tls.cert"), c.optionalPath("mqtt.tls.key"),
                c.duration("mqtt.session-expiry"), c.duration("mqtt.keep-alive"), c.integer("mqtt.max-in-flight"),
                c.duration("mqtt.reconnect-min"), c.duration("mqtt.reconnect-max"),
                c.enumOf("mqtt.client", MqttSettings.Client.class));
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
