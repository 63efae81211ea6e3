package io.splitee.device.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The device's CoAP server ({@code coap.*}; the server itself is {@code io.splitee.device.coap}).
 *
 * @param enabled whether the daemon serves CoAP at all
 * @param bind    address the ports bind to
 * @param port    plain CoAP UDP port (0: any free port); not opened when {@code dtls} says DTLS only
 * @param dtls    coaps with pre-shared keys, when a keys file is configured
 */
public record CoapConfig(boolean enabled, String bind, int port, Optional<Dtls> dtls) {

    /** Validates; every message starts with the key. */
    public CoapConfig {
        DeviceKeys.COAP_BIND.check(bind);
        DeviceKeys.COAP_PORT.check(port);
        Objects.requireNonNull(dtls, "coap.dtls.psk-file");
    }

    /** CoAP off (the default). */
    public static CoapConfig disabled() {
        return new CoapConfig(false, DeviceKeys.COAP_BIND.defaultValue().orElseThrow(),
                DeviceKeys.COAP_PORT.defaultValue().orElseThrow(), Optional.empty());
    }

    /** Plain CoAP on {@code bind:port}, no DTLS. */
    public static CoapConfig plain(String bind, int port) {
        return new CoapConfig(true, bind, port, Optional.empty());
    }

    /** This configuration with DTLS. */
    public CoapConfig withDtls(Dtls value) {
        return new CoapConfig(enabled, bind, port, Optional.of(value));
    }

    /** Whether the plain (unsecured) port is opened. */
    public boolean plainOpen() {
        return enabled && dtls.map(d -> !d.only()).orElse(true);
    }

    /**
     * DTLS 1.2 (Scandium) with pre-shared keys per client identity.
     *
     * @param pskFile        {@code identity=secret} lines; readable by the service user only; reloaded when it changes
     * @param port           coaps UDP port (0: any free port)
     * @param only           whether only coaps is served (the plain port stays closed)
     * @param maxConnections bound on the DTLS connection store
     */
    public record Dtls(Path pskFile, int port, boolean only, int maxConnections) {
        /** Validates; every message starts with the key. */
        public Dtls {
            DeviceKeys.COAP_DTLS_PSK_FILE.check(pskFile);
            DeviceKeys.COAP_DTLS_PORT.check(port);
            DeviceKeys.COAP_DTLS_MAX_CONNECTIONS.check(maxConnections);
        }

        /** coaps on {@code port} with the keys in {@code pskFile}, the plain port still open, 1000 connections at most. */
        public static Dtls psk(Path pskFile, int port) {
            return new Dtls(pskFile, port, false, DeviceKeys.COAP_DTLS_MAX_CONNECTIONS.defaultValue().orElseThrow());
        }

        /** This configuration serving coaps only ({@code coap.dtls.only=true}): the plain port stays closed. */
        public Dtls dtlsOnly() {
            return new Dtls(pskFile, port, true, maxConnections);
        }
    }
}
