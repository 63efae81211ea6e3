package io.splitee.mqtt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds an {@link SSLSocketFactory} (Paho) or key and trust manager factories (HiveMQ) from PEM files
 * with the JDK only: X.509 certificates and an
 * unencrypted PKCS#8 private key (RSA or EC). Errors name the file and what is wrong with it.
 */
final class PemTls {
    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";
    private static final char[] NO_PASSWORD = new char[0];

    private PemTls() {
    }

    static SSLSocketFactory socketFactory(MqttSettings.Tls tls) {
        try {
            KeyManagerFactory kmf = keyManagerFactory(tls);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), trustManagerFactory(tls).getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + tls + ": " + e.getMessage(), e);
        }
    }

    /** Trusts exactly the certificates of {@code tls.caFile}. */
    static TrustManagerFactory trustManagerFactory(MqttSettings.Tls tls) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            List<Certificate> cas = readCertificates(tls.caFile(), "tls.caFile");
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + tls + ": " + e.getMessage(), e);
        }
    }

    /** The client certificate and key for mutual TLS; null when {@code tls} has none. */
    static KeyManagerFactory keyManagerFactory(MqttSettings.Tls tls) {
        if (tls.clientCertFile().isEmpty()) {
            return null;
        }
        try {
            Path certFile = tls.clientCertFile().get();
            Path keyFile = tls.clientKeyFile().orElseThrow();
            List<Certificate> chain = readCertificates(certFile, "tls.clientCertFile");
            PrivateKey key = readPkcs8Key(keyFile);
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            return kmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + tls + ": " + e.getMessage(), e);
        }
    }

    static List<Certificate> readCertificates(Path file, String field) {
        byte[] bytes = readFile(file, field);
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<Certificate> certs = new ArrayList<>(cf.generateCertificates(new ByteArrayInputStream(bytes)));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(field + " " + file + " holds no PEM certificate");
            }
            return certs;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(field + " " + file + " is not a PEM X.509 certificate file: "
                    + e.getMessage(), e);
        }
    }

    static PrivateKey readPkcs8Key(Path file) {
        String text = new String(readFile(file, "tls.clientKeyFile"), StandardCharsets.US_ASCII);
        int begin = text.indexOf(KEY_BEGIN);
        int end = text.indexOf(KEY_END);
        if (begin < 0 || end < begin) {
            String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                    ? " (it is a PKCS#1/SEC1 key: convert it with 'openssl pkcs8 -topk8 -nocrypt')"
                    : text.contains("BEGIN ENCRYPTED PRIVATE KEY")
                    ? " (it is encrypted: decrypt it with 'openssl pkcs8 -topk8 -nocrypt')" : "";
            throw new IllegalArgumentException("tls.clientKeyFile " + file
                    + " holds no unencrypted PKCS#8 key ('" + KEY_BEGIN + "')" + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tls.clientKeyFile " + file + " has bad base64: " + e.getMessage(), e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("tls.clientKeyFile " + file + " is not an RSA, EC or Ed25519 PKCS#8 key");
    }

    private static byte[] readFile(Path file, String field) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(field + " " + file + " cannot be read: " + e, e);
        }
    }
}
