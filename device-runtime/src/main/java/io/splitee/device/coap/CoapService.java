package io.splitee.device.coap;

import io.micrometer.core.instrument.MeterRegistry;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.status.DeviceStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The device's CoAP server ({@code coap.enabled=true}): {@code POST /samples} into a {@link SampleSink},
 * observable {@code GET /status}, {@code GET /config} and {@code /.well-known/core}, on plain CoAP and/or
 * coaps (DTLS 1.2 with pre-shared keys, X.509 certificates, or both). {@link #close()} is idempotent.
 */
public interface CoapService extends AutoCloseable {

    /**
     * What the server needs from the daemon.
     *
     * @param config       the daemon's configuration: {@code coap.*}, the device id (thread names), {@code GET /config}
     * @param status       the device's status, for {@code GET /status}
     * @param registry     where the request counters and latencies go
     * @param maxBodyBytes the largest sample accepted (the frame limit); above it: {@code 4.13}
     */
    record Setup(DeviceConfig config, DeviceStatus status, MeterRegistry registry, int maxBodyBytes) {
        /** Validates. */
        public Setup {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(registry, "registry");
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
            }
        }
    }

    /**
     * Starts the server on the configured ports.
     *
     * @throws IOException when a port cannot be bound, or the DTLS keys file, certificate, private key or trusted
     *                     CA certificates cannot be read (the message starts with the key naming the file)
     */
    static CoapService start(Setup setup, SampleSink sink) throws IOException {
        return CaliforniumServer.start(setup, sink);
    }

    /** The plain CoAP address, unless {@code coap.dtls.only}. */
    Optional<InetSocketAddress> plainAddress();

    /** The coaps address, when DTLS is configured. */
    Optional<InetSocketAddress> secureAddress();

    /**
     * Reads the DTLS pre-shared keys file again now, changed or not (the daemon calls it on SIGHUP; changes
     * are also picked up within seconds without it).
     *
     * @return whether the keys in use are now the file's: false without DTLS, or when the file did not
     *         parse (the keys read before stay, with a warning)
     */
    boolean reloadKeys();

    /** Stops the server and its threads; idempotent. */
    @Override
    void close();
}
