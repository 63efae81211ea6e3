package io.splitee.device.coap;

import io.splitee.device.config.CoapConfig;
import io.splitee.lifecycle.Threads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CoapService} on Californium: its configuration made in code (never a properties file), its
 * executors ours ({@code splitee-<device>-coap-main}, {@code -timer}, {@code -dtls}), and the connector
 * threads it names itself renamed to {@code splitee-<device>-coap-udp-*} / {@code -dtls-receiver} once
 * started.
 */
final class CaliforniumServer implements CoapService {
    private static final Logger LOG = LoggerFactory.getLogger(CaliforniumServer.class);
    /** Starts are serialised so that the connector threads each start renames are its own. */
    private static final Object STARTING = new Object();

    static {
        org.eclipse.californium.core.config.CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final String threads;
    private final CoapServer server;
    private final ScheduledExecutorService main;
    private final ScheduledExecutorService timer;
    private final ScheduledExecutorService dtlsExecutor;
    private final PskFile keys;
    private final StatusResource status;
    private final InetSocketAddress plainBind;
    private final CoapEndpoint plain;
    private final CoapEndpoint secure;
    private volatile boolean closed;

    private CaliforniumServer(Setup setup, SampleSink sink) throws IOException {
        CoapConfig c = setup.config().coap();
        // the files first: a key that cannot be read stops the start before any thread is made
        Optional<CoapConfig.Dtls> dtls = c.dtls();
        this.keys = dtls.isPresent() && dtls.get().pskFile().isPresent() ? PskFile.open(dtls.get().pskFile().get())
                : null;
        Optional<X509Credentials> x509 = Optional.empty();
        if (dtls.isPresent() && dtls.get().x509().isPresent()) {
            x509 = Optional.of(X509Credentials.read(dtls.get().x509().get()));
        }
        this.threads = "splitee-" + setup.config().deviceId() + "-coap-";
        Configuration cfg = configuration(setup.maxBodyBytes(), c);
        this.main = Executors.newScheduledThreadPool(2, Threads.factory(threads + "main", true));
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.factory(threads + "timer", true));
        this.server = new CoapServer(cfg);
        server.setExecutors(main, timer, false);
        CoapMetrics metrics = new CoapMetrics(setup.registry());
        this.status = new StatusResource(setup.status(), timer, metrics);
        server.add(new SamplesResource(sink, setup.maxBodyBytes(), timer, metrics), status,
                new ConfigResource(setup.config(), metrics));
        if (c.plainOpen()) {
            plainBind = new InetSocketAddress(c.bind(), c.port());
            plain = new CoapEndpoint.Builder().setConfiguration(cfg).setInetSocketAddress(plainBind).build();
            server.addEndpoint(plain);
        } else {
            plainBind = null;
            plain = null;
        }
        if (dtls.isPresent()) {
            CoapConfig.Dtls d = dtls.get();
            this.dtlsExecutor = Executors.newSingleThreadScheduledExecutor(Threads.factory(threads + "dtls", true));
            DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(cfg)
                    .setAddress(new InetSocketAddress(c.bind(), d.port()));
            if (keys != null) {
                b.setAdvancedPskStore(keys.store());
                timer.scheduleWithFixedDelay(keys::reloadIfChanged, 2, 2, TimeUnit.SECONDS);
            }
            if (x509.isPresent()) {
                b.setCertificateIdentityProvider(x509.get().provider());
                x509.get().verifier().ifPresent(b::setAdvancedCertificateVerifier);
                LOG.info("coaps: certificate {} from {}; {}", x509.get().subject(), d.x509().get().certificate(),
                        x509.get().verifier().isPresent() ? "clients must prove a certificate from the "
                                + x509.get().trusted() + " CA certificates in " + d.x509().get().trust().get()
                                : "clients are not asked for certificates");
            }
            DTLSConnector connector = new DTLSConnector(b.build());
            connector.setExecutor(dtlsExecutor);
            secure = new CoapEndpoint.Builder().setConfiguration(cfg).setConnector(connector).build();
            server.addEndpoint(secure);
        } else {
            this.dtlsExecutor = null;
            secure = null;
        }
    }

    /** Californium's settings for this server, in code: nothing is read from or written to a file. */
    private static Configuration configuration(int maxBody, CoapConfig c) {
        Configuration cfg = Configuration.createStandardWithoutFile();
        cfg.set(org.eclipse.californium.core.config.CoapConfig.MAX_RESOURCE_BODY_SIZE, maxBody);
        cfg.set(org.eclipse.californium.core.config.CoapConfig.MAX_MESSAGE_SIZE, 1024);
        cfg.set(org.eclipse.californium.core.config.CoapConfig.PREFERRED_BLOCK_SIZE, 1024);
        cfg.set(org.eclipse.californium.core.config.CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 2);
        cfg.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
        cfg.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
        cfg.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        cfg.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        cfg.set(DtlsConfig.DTLS_USE_ANTI_REPLAY_FILTER, true);
        c.dtls().ifPresent(d -> cfg.set(DtlsConfig.DTLS_MAX_CONNECTIONS, d.maxConnections()));
        c.dtls().flatMap(CoapConfig.Dtls::x509).ifPresent(x -> cfg.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE,
                x.clientAuth() == CoapConfig.ClientAuth.REQUIRED ? CertificateAuthenticationMode.NEEDED
                        : CertificateAuthenticationMode.NONE));
        return cfg;
    }

    static CoapService start(Setup setup, SampleSink sink) throws IOException {
        synchronized (STARTING) {
            CaliforniumServer s = new CaliforniumServer(setup, sink);
            try {
                s.server.start();
            } catch (IllegalStateException e) { // Californium wraps a failed bind
                s.close();
                Throwable cause = e.getCause() instanceof IOException io ? io : e;
                throw cause instanceof IOException io ? io : new SocketException(e.getMessage());
            }
            s.renameConnectorThreads();
            LOG.info("CoAP serving on {}{}", s.plainAddress().map(a -> "coap://" + a).orElse("(plain closed)"),
                    s.secureAddress().map(a -> ", coaps://" + a).orElse(""));
            return s;
        }
    }

    /** The connectors name their receiver and sender threads themselves; ours are called {@code splitee-<device>-coap-*}. */
    private void renameConnectorThreads() {
        String udp = plainBind == null ? null : plainBind + "[";
        String dtls = secure == null ? null : "-" + secure.getAddress();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (udp != null && n.equals("UDP-Receiver-" + udp + "0]")) {
                t.setName(threads + "udp-receiver");
            } else if (udp != null && n.equals("UDP-Sender-" + udp + "0]")) {
                t.setName(threads + "udp-sender");
            } else if (dtls != null && n.startsWith("DTLS-Receiver-") && n.endsWith(dtls)) {
                t.setName(threads + "dtls-receiver");
            }
        }
    }

    @Override
    public Optional<InetSocketAddress> plainAddress() {
        return Optional.ofNullable(plain).map(CoapEndpoint::getAddress);
    }

    @Override
    public Optional<InetSocketAddress> secureAddress() {
        return Optional.ofNullable(secure).map(CoapEndpoint::getAddress);
    }

    @Override
    public boolean reloadKeys() {
        return keys != null && !closed && keys.reload("reload requested");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        status.close();
        server.stop();
        server.destroy();
        main.shutdownNow();
        timer.shutdownNow();
        if (dtlsExecutor != null) {
            dtlsExecutor.shutdownNow();
        }
        Threads.awaitTermination(main, Duration.ofSeconds(2), LOG);
        Threads.awaitTermination(timer, Duration.ofSeconds(2), LOG);
    }
}
