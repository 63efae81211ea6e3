package io.splitee.device.daemon;

import io.splitee.testenv.Tool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CAs and certificates for the coaps X.509 tests, made by Debian's {@code openssl} in a directory:
 * {@code <name>.pem} (the certificate) and {@code <name>.key} (its PKCS#8 EC P-256 key, mode 600), valid
 * for two days.
 */
final class TestPki {
    /** A device's (server's) certificate for 127.0.0.1. */
    static final String SERVER = "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
            + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n";
    /** A sensor's (client's) certificate. */
    static final String CLIENT = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            + "extendedKeyUsage=clientAuth\n";

    private final Path dir;

    TestPki(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path pem(String name) {
        return dir.resolve(name + ".pem");
    }

    Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /** A self-signed CA certificate ({@code openssl req -x509}: basicConstraints CA:TRUE). */
    TestPki ca(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key(name).toString(), "-out", pem(name).toString(), "-days", "2", "-subj", "/CN=" + name);
        return this;
    }

    /** A certificate for {@code CN=name} signed by CA {@code ca}, with the X.509v3 extensions {@code ext}. */
    TestPki issue(String ca, String name, String ext) throws Exception {
        Path csr = dir.resolve(name + ".csr");
        Path extFile = Files.writeString(dir.resolve(name + ".ext"), ext, StandardCharsets.US_ASCII);
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key(name).toString(), "-out", csr.toString(), "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", pem(ca).toString(), "-CAkey", key(ca).toString(),
                "-set_serial", String.valueOf(System.nanoTime() & 0x7fff_ffffL), "-days", "2",
                "-extfile", extFile.toString(), "-out", pem(name).toString());
        Files.setPosixFilePermissions(key(name), PosixFilePermissions.fromString("rw-------"));
        return this;
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Tool.OPENSSL.path().toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out.strip());
        }
    }
}
