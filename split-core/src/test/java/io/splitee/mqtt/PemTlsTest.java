package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTlsTest {
    @TempDir
    Path dir;

    @Test
    void buildsASocketFactoryFromPemFiles() throws Exception {
        TlsTestFiles f = TlsTestFiles.writeTo(dir);
        assertNotNull(PemTls.socketFactory(MqttSettings.Tls.mutual(f.ca, f.clientCert, f.clientKey)));
        assertNotNull(PemTls.socketFactory(MqttSettings.Tls.serverOnly(f.ca)));
        assertEquals("EC", PemTls.readPkcs8Key(f.clientKey).getAlgorithm());
        assertEquals(1, PemTls.readCertificates(f.ca, "tls.caFile").size());
    }

    @Test
    void sec1KeyGetsAConversionHint() throws Exception {
        TlsTestFiles f = TlsTestFiles.writeTo(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PemTls.socketFactory(MqttSettings.Tls.mutual(f.ca, f.clientCert, f.clientKeySec1)));
        assertTrue(e.getMessage().contains("tls.clientKeyFile") && e.getMessage().contains("openssl pkcs8"),
                e.getMessage());
    }

    @Test
    void missingOrWrongFilesAreNamed() throws Exception {
        TlsTestFiles f = TlsTestFiles.writeTo(dir);
        Path missing = dir.resolve("nope.pem");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PemTls.socketFactory(MqttSettings.Tls.serverOnly(missing)));
        assertTrue(e.getMessage().contains("tls.caFile") && e.getMessage().contains("nope.pem"), e.getMessage());
        Path notACert = Files.writeString(dir.resolve("text.pem"), "hello");
        e = assertThrows(IllegalArgumentException.class,
                () -> PemTls.socketFactory(MqttSettings.Tls.serverOnly(notACert)));
        assertTrue(e.getMessage().contains("tls.caFile"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PemTls.socketFactory(MqttSettings.Tls.mutual(f.ca, f.clientKey, f.clientKey)));
        assertTrue(e.getMessage().contains("tls.clientCertFile"), e.getMessage());
    }
}
