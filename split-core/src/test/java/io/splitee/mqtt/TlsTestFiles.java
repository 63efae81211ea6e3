package io.splitee.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS material for tests only (not secret, never used outside tests): an EC P-256 CA, a server
 * certificate for 127.0.0.1/localhost and a client certificate, valid for 100 years. Generated
 * with openssl (ecparam prime256v1, req -x509, x509 -req, pkcs8 -topk8 -nocrypt).
 */
final class TlsTestFiles {
    static final String CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBjDCCATGgAwIBAgIUQC7JEZrpLqHE+ZHifn562gyhhHkwCgYIKoZIzj0EAwIw
            GjEYMBYGA1UEAwwPU3BsaXRFRSB0ZXN0IENBMCAXDTI2MTEyODA0MTE0OVoYDzIx
            MjYxMTA0MDQxMTQ5WjAaMRgwFgYDVQQDDA9TcGxpdEVFIHRlc3QgQ0EwWTATBgcq
            hkjOPQIBBggqhkjOPQMBBwNCAAQwnZlCTX9EJJWT5FRUWl7KNDDlLT6KM7Ioadab
            Dnmz9pK0z1sfFkku1Y0zGkz0JZ/7n6UgGidyHs/eP2qbmem3o1MwUTAdBgNVHQ4E
            FgQUbViyjFLmNz79Quq9oR5FIpGUP2QwHwYDVR0jBBgwFoAUbViyjFLmNz79Quq9
            oR5FIpGUP2QwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAssbl
            PBM+3W/lZ1PvKczNtBJaN3nVOXbiwTCfbOnAL8oCIQDyidbtu5H6TaD0rBenCn1H
            lUxm7eFOd37LUTMR6Xe/hg==
            -----END CERTIFICATE-----
            """;

    static final String SERVER_CERT_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBvzCCAWWgAwIBAgIUcKvhjOrWyfR6QHKdtN+dBi1e1IswCgYIKoZIzj0EAwIw
            GjEYMBYGA1UEAwwPU3BsaXRFRSB0ZXN0IENBMCAXDTI2MTEyODA0MTE0OVoYDzIx
            MjYxMTA0MDQxMTQ5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIB
            BggqhkjOPQMBBwNCAASvf8CMiCSq+B4E1gczwCuWPyrK5AYmve7USITNSEtbv2GC
            /CSyad9uXIpg1waWMMuhWf6OyiRSQL+nj7LMsI6co4GMMIGJMBoGA1UdEQQTMBGH
            BH8AAAGCCWxvY2FsaG9zdDAJBgNVHRMEAjAAMAsGA1UdDwQEAwIFoDATBgNVHSUE
            DDAKBggrBgEFBQcDATAdBgNVHQ4EFgQU+i3C0WeUT3TOZoIgSvtS0t4MWgowHwYD
            VR0jBBgwFoAUbViyjFLmNz79Quq9oR5FIpGUP2QwCgYIKoZIzj0EAwIDSAAwRQIh
            ALBRyHNHQ97SOMwqr0gEEUKZ9trngvMnGD5V1MOlOmdUAiAB8N0nBhB2xucIoEsI
            KY8T3dvKsiXlh1sXAXuy6uoUBg==
            -----END CERTIFICATE-----
            """;

    static final String SERVER_KEY_PEM = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgHH/YvDCa7POxSVu9
            0qlPOEQacLEEExE1RbtT9Fm0IQKhRANCAASvf8CMiCSq+B4E1gczwCuWPyrK5AYm
            ve7USITNSEtbv2GC/CSyad9uXIpg1waWMMuhWf6OyiRSQL+nj7LMsI6c
            -----END PRIVATE KEY-----
            """;

    static final String CLIENT_CERT_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBrDCCAVGgAwIBAgIUcKvhjOrWyfR6QHKdtN+dBi1e1IwwCgYIKoZIzj0EAwIw
            GjEYMBYGA1UEAwwPU3BsaXRFRSB0ZXN0IENBMCAXDTI2MTEyODA0MTE0OVoYDzIx
            MjYxMTA0MDQxMTQ5WjAeMRwwGgYDVQQDDBNzcGxpdGVlLWRldmljZS10ZXN0MFkw
            EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIjIDkOuaABDqnYEYWFP39+2/pRzen++4
            RmeJXbbtVnPuXqwCmBO72L/58F7VTK3aCZWOVRljaQYscCtCGW1ODKNvMG0wCQYD
            VR0TBAIwADALBgNVHQ8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0O
            BBYEFCj+qiC91UTsC6DOW9VhX+kkD07KMB8GA1UdIwQYMBaAFG1YsoxS5jc+/ULq
            vaEeRSKRlD9kMAoGCCqGSM49BAMCA0kAMEYCIQDH1xjuhqWBWp8ukO95e17ECdeB
            /On0y7kCUtgeubUuJQIhAK3jk0LvphQYk5YolQgPC6DK2xCeenlDklicl13g/gQC
            -----END CERTIFICATE-----
            """;

    static final String CLIENT_KEY_PEM = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNmBRnJ+e72fMNn1C
            xXjCZ2Z7b+6Rgk0352r9gkhPgmGhRANCAAQiMgOQ65oAEOqdgRhYU/f37b+lHN6f
            77hGZ4ldtu1Wc+5erAKYE7vYv/nwXtVMrdoJlY5VGWNpBixwK0IZbU4M
            -----END PRIVATE KEY-----
            """;

    static final String CLIENT_KEY_SEC1_PEM = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIDZgUZyfnu9nzDZ9QsV4wmdme2/ukYJNN+dq/YJIT4JhoAoGCCqGSM49
            AwEHoUQDQgAEIjIDkOuaABDqnYEYWFP39+2/pRzen++4RmeJXbbtVnPuXqwCmBO7
            2L/58F7VTK3aCZWOVRljaQYscCtCGW1ODA==
            -----END EC PRIVATE KEY-----
            """;

    final Path ca;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    final Path clientKeySec1;

    private TlsTestFiles(Path dir) throws IOException {
        ca = write(dir, "ca.pem", CA_PEM);
        serverCert = write(dir, "server.pem", SERVER_CERT_PEM);
        serverKey = write(dir, "server.key", SERVER_KEY_PEM);
        clientCert = write(dir, "client.pem", CLIENT_CERT_PEM);
        clientKey = write(dir, "client.key", CLIENT_KEY_PEM);
        clientKeySec1 = write(dir, "client-sec1.key", CLIENT_KEY_SEC1_PEM);
    }

    /** Writes all files into {@code dir}. */
    static TlsTestFiles writeTo(Path dir) throws IOException {
        return new TlsTestFiles(dir);
    }

    private static Path write(Path dir, String name, String pem) throws IOException {
        return Files.writeString(dir.resolve(name), pem, StandardCharsets.US_ASCII);
    }
}
