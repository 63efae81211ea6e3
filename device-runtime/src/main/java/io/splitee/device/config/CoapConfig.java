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
 * @param dtls    coaps, when a pre-shared keys file or a certificate is configured
 */
public record CoapConfig(boolean enabled, String bind, int port, Optional<Dtls> dtls) {

    /** Validates; every message starts with the key. */
    public CoapConfig {
        DeviceKeys.COAP_BIND.check(bind);
        DeviceKeys.COAP_PORT.check(port);
        Objects.requireNonNull(dtls, "coap.dtls");
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

    /** Whether a coaps client must prove an X.509 certificate ({@code coap.dtls.client-auth}). */
    public enum ClientAuth {
        /** A client's certificate must chain to {@code coap.dtls.trust}; without one, no connection. */
        REQUIRED,
        /** Clients are not asked for a certificate. */
        NONE
    }

    /**
     * DTLS 1.2 (Scandium): pre-shared keys per client identity, X.509 certificates, or both (a client uses
     * either).
     *
     * @param pskFile        {@code identity=secret} lines; readable by the service user only; reloaded when it changes
     * @param x509           the device's certificate and key, and how clients are authenticated
     * @param port           coaps UDP port (0: any free port)
     * @param only           whether only coaps is served (the plain port stays closed)
     * @param maxConnections bound on the DTLS connection store
     */
    public record Dtls(Optional<Path> pskFile, Optional<X509> x509, int port, boolean only, int maxConnections) {
        /** Validates; every message starts with the key. */
        public Dtls {
            Objects.requireNonNull(pskFile, "coap.dtls.psk-file");
            Objects.requireNonNull(x509, "coap.dtls.certificate");
            if (pskFile.isEmpty() && x509.isEmpty()) {
                throw new IllegalArgumentException("coap.dtls.psk-file: DTLS needs pre-shared keys or "
                        + "coap.dtls.certificate, or both");
            }
            pskFile.ifPresent(DeviceKeys.COAP_DTLS_PSK_FILE::check);
            DeviceKeys.COAP_DTLS_PORT.check(port);
            DeviceKeys.COAP_DTLS_MAX_CONNECTIONS.check(maxConnections);
        }

        /** coaps on {@code port} with the keys in {@code pskFile}, the plain port still open, 1000 connections at most. */
        public static Dtls psk(Path pskFile, int port) {
            return new Dtls(Optional.of(pskFile), Optional.empty(), port, false,
                    DeviceKeys.COAP_DTLS_MAX_CONNECTIONS.defaultValue().orElseThrow());
        }

        /** coaps on {@code port} with certificates only, the plain port still open, 1000 connections at most. */
        public static Dtls x509(X509 x509, int port) {
            return new Dtls(Optional.empty(), Optional.of(x509), port, false,
                    DeviceKeys.COAP_DTLS_MAX_CONNECTIONS.defaultValue().orElseThrow());
        }

        /** This configuration with certificates too. */
        public Dtls withX509(X509 value) {
            return new Dtls(pskFile, Optional.of(value), port, only, maxConnections);
        }

        /** This configuration serving coaps only ({@code coap.dtls.only=true}): the plain port stays closed. */
        public Dtls dtlsOnly() {
            return new Dtls(pskFile, x509, port, true, maxConnections);
        }
    }

    /**
     * DTLS with X.509 certificates: the files are read when the server starts (a restart picks up new ones).
     *
     * @param certificate PEM certificate chain, the device's own certificate first; an EC key
     * @param privateKey  PEM private key of that certificate; readable by the service user only
     * @param clientAuth  whether clients must prove a certificate
     * @param trust       PEM CA certificates a client certificate must chain to: present exactly when
     *                    {@code clientAuth} is {@link ClientAuth#REQUIRED}
     */
    public record X509(Path certificate, Path privateKey, ClientAuth clientAuth, Optional<Path> trust) {
        /** Validates; every message starts with the key. */
        public X509 {
            DeviceKeys.COAP_DTLS_CERTIFICATE.check(certificate);
            DeviceKeys.COAP_DTLS_PRIVATE_KEY.check(privateKey);
            DeviceKeys.COAP_DTLS_CLIENT_AUTH.check(clientAuth);
            Objects.requireNonNull(trust, "coap.dtls.trust");
            if (clientAuth == ClientAuth.REQUIRED && trust.isEmpty()) {
                throw new IllegalArgumentException("coap.dtls.trust: not set, but coap.dtls.client-auth=required "
                        + "needs the CA certificates that client certificates must chain to (or client-auth=none)");
            }
            if (clientAuth == ClientAuth.NONE && trust.isPresent()) {
                throw new IllegalArgumentException("coap.dtls.trust: set, but coap.dtls.client-auth=none asks "
                        + "clients for no certificate");
            }
        }

        /** Clients must prove a certificate that chains to a CA in {@code trust}. */
        public static X509 clientsVerified(Path certificate, Path privateKey, Path trust) {
            return new X509(certificate, privateKey, ClientAuth.REQUIRED, Optional.of(trust));
        }
    }
}
