package io.splitee.device.coap;

import io.splitee.device.config.CoapConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import org.eclipse.californium.elements.util.SslContextUtil;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.x509.CertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * The coaps X.509 credentials ({@code coap.dtls.certificate}, {@code coap.dtls.private-key},
 * {@code coap.dtls.trust}), read from PEM files once, when the server starts. The private key file must be
 * readable by its owner only, as the pre-shared keys file; the key must be EC (Scandium 3.14's certificate
 * cipher suites are ECDHE_ECDSA) and belong to the first certificate. Every failure is one line that
 * starts with the key naming the file.
 *
 * @param provider the device's certificate chain and key, for Scandium
 * @param verifier the CAs a client certificate must chain to; empty with {@code coap.dtls.client-auth=none}
 * @param subject  the device certificate's subject, for the log
 * @param trusted  how many CA certificates {@code verifier} trusts
 */
record X509Credentials(CertificateProvider provider, Optional<NewAdvancedCertificateVerifier> verifier,
                       String subject, int trusted) {

    static X509Credentials read(CoapConfig.X509 x) throws IOException {
        X509Certificate[] chain = certificates("coap.dtls.certificate", x.certificate());
        SslContextUtil.Credentials read = privateKey(x.privateKey());
        PrivateKey key = read.getPrivateKey();
        if (!"EC".equals(key.getAlgorithm())) {
            throw new IOException("coap.dtls.private-key " + x.privateKey() + " is an " + key.getAlgorithm()
                    + " key; Scandium's certificate cipher suites (ECDHE_ECDSA) need an EC key (P-256 or P-384)");
        }
        PublicKey own = read.getPublicKey();
        if (own != null && !Arrays.equals(own.getEncoded(), chain[0].getPublicKey().getEncoded())) {
            throw new IOException("coap.dtls.private-key " + x.privateKey() + " is not the key of the first "
                    + "certificate in coap.dtls.certificate " + x.certificate());
        }
        CertificateProvider provider = new SingleCertificateProvider(key, chain, CertificateType.X_509);
        Optional<NewAdvancedCertificateVerifier> verifier = Optional.empty();
        int trusted = 0;
        if (x.trust().isPresent()) {
            X509Certificate[] cas = certificates("coap.dtls.trust", x.trust().get());
            trusted = cas.length;
            verifier = Optional.of(StaticNewAdvancedCertificateVerifier.builder().setTrustedCertificates(cas).build());
        }
        return new X509Credentials(provider, verifier, chain[0].getSubjectX500Principal().getName(), trusted);
    }

    /** Every certificate in a PEM file, in order; at least one. */
    private static X509Certificate[] certificates(String configKey, Path file) throws IOException {
        Collection<? extends Certificate> all;
        try (InputStream in = Files.newInputStream(file)) {
            all = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (CertificateException e) {
            throw new IOException(configKey + " " + file + " is not PEM X.509 certificates: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(configKey + " " + file + " cannot be read: " + describe(e), e);
        }
        if (all.isEmpty()) {
            throw new IOException(configKey + " " + file + " holds no PEM certificate");
        }
        return all.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }

    /** The private key of a PEM file, and its public key when the file or the key gives it. */
    private static SslContextUtil.Credentials privateKey(Path file) throws IOException {
        SslContextUtil.Credentials read;
        try {
            PrivateFile.checkOwnerOnly("coap.dtls.private-key", file);
            try (InputStream in = Files.newInputStream(file)) {
                read = SslContextUtil.loadPemCredentials(in);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("coap.dtls.private-key " + file + " is not a PEM private key: " + e.getMessage(), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("coap.dtls.private-key ")) {
                throw e;
            }
            throw new IOException("coap.dtls.private-key " + file + " cannot be read: " + describe(e), e);
        }
        if (read.getPrivateKey() == null) {
            throw new IOException("coap.dtls.private-key " + file
                    + " holds no unencrypted PEM private key (PRIVATE KEY or EC PRIVATE KEY)");
        }
        return read;
    }

    /** An I/O failure in a few words: no such file, permission denied, or the message. */
    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
