package io.splitee.testenv;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A program or data file from a Debian package that integration tests use. A program is found by
 * its system property ({@code -Dsplitee.tool.<name>=/path}) if set, else as the first executable of
 * that name on {@code PATH}, then in {@code /usr/sbin} and {@code /sbin} (Debian installs the broker
 * there, and root's {@code PATH} does not always have them) that passes the tool's probe. A missing
 * one fails with one line naming the Debian package: {@link #path()}.
 *
 * <p>The packages are the ones {@code .ci/packages} lists (the test command installs them).
 */
public enum Tool {
    /** The MQTT broker the integration tests start on a loopback port. */
    MOSQUITTO("mosquitto", "mosquitto"),
    /** Writes the broker's password file (credentials tests). */
    MOSQUITTO_PASSWD("mosquitto_passwd", "mosquitto"),
    /**
     * Mosquitto's dynamic-security plugin (a shared library, not a program): {@code mosquitto_dynamic_security.so}
     * in a library directory, {@code /usr/lib/<multiarch>/} on Debian.
     */
    MOSQUITTO_DYNSEC("mosquitto_dynamic_security.so", "mosquitto") {
        @Override
        public Optional<Path> find() {
            String configured = System.getProperty(property());
            List<Path> candidates = new ArrayList<>();
            if (configured != null && !configured.isBlank()) {
                candidates.add(Path.of(configured));
            } else {
                for (String dir : PLUGIN_DIRS) {
                    candidates.add(Path.of(dir, command()));
                }
            }
            return candidates.stream().filter(Files::isRegularFile).findFirst().map(Path::toAbsolutePath);
        }
    },
    /** Sends SIGSTOP/SIGCONT to the broker (hung-broker tests). */
    KILL("kill", "procps"),
    /** Checks the systemd units and scores their hardening (packaging tests). */
    SYSTEMD_ANALYZE("systemd-analyze", "systemd"),
    /** Reads the Debian packages' contents and control files (packaging tests). */
    DPKG_DEB("dpkg-deb", "dpkg"),
    /** Installs and purges the Debian packages (packaging tests, as root only). */
    DPKG("dpkg", "dpkg"),
    /** A private mount namespace for the daemon under the unit's restrictions (packaging tests, as root only). */
    UNSHARE("unshare", "util-linux"),
    /** Drops the user, the capabilities and new privileges before the daemon starts (packaging tests). */
    SETPRIV("setpriv", "util-linux"),
    /** The CoAP client of the CoAP tests. */
    COAP_CLIENT("coap-client-notls", "libcoap3-bin"),
    /** The CoAP client with DTLS (OpenSSL) of the coaps tests. */
    COAP_CLIENT_DTLS("coap-client-openssl", "libcoap3-bin"),
    /** Makes the CA and certificates of the coaps X.509 tests. */
    OPENSSL("openssl", "openssl"),
    /** Runs Debian's arm64 Java on this machine, for the arm64 check (device-runtime's Arm64EmulationIT). */
    QEMU_AARCH64("qemu-aarch64", "qemu-user"),
    /**
     * A python3 that imports the training script's modules (Debian's, not a virtualenv's or pyenv's
     * that may come first on {@code PATH}: the first on {@code PATH} that imports them).
     */
    PYTHON_TORCH("python3", "python3 python3-numpy python3-torch python3-torchvision python3-onnx",
            "-c", "import numpy, torch, torchvision, onnx"),
    /** The Fashion-MNIST IDX files the training script reads (a directory, not a program). */
    FASHION_MNIST("fashion-mnist", "dataset-fashion-mnist") {
        @Override
        public Optional<Path> find() {
            Path dir = Path.of(System.getProperty(property(), "/usr/share/datasets/fashion-mnist"));
            return Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")) ? Optional.of(dir) : Optional.empty();
        }
    };

    /**
     * System property listing the tools a module's integration tests need, comma-separated by
     * {@link #name()} (e.g. {@code MOSQUITTO,KILL}); set in the module's failsafe configuration and
     * checked once before any test runs.
     */
    public static final String REQUIRED_PROPERTY = "splitee.tools.required";

    /** Searched after {@code PATH}: Debian's sbin directories, which a non-login root shell may lack. */
    private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/sbin");

    /** Where Debian's mosquitto package puts its plugins, on the architectures SplitEE runs on. */
    private static final List<String> PLUGIN_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib/arm-linux-gnueabihf", "/usr/lib");

    private final String command;
    private final String debianPackages;
    private final List<String> probe;

    Tool(String command, String debianPackages, String... probe) {
        this.command = command;
        this.debianPackages = debianPackages;
        this.probe = List.of(probe);
    }

    /** The program's name on {@code PATH} (for a data file: the name in its property). */
    public String command() {
        return command;
    }

    /** The Debian package(s) that install it, space-separated. */
    public String debianPackages() {
        return debianPackages;
    }

    /** {@code splitee.tool.<command>}: where it is, overriding the search. */
    public String property() {
        return "splitee.tool." + command;
    }

    /** Where the tool is, if installed. */
    public Optional<Path> find() {
        String configured = System.getProperty(property());
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        } else {
            Set<String> dirs = new LinkedHashSet<>();
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(dir);
                }
            }
            dirs.addAll(EXTRA_DIRS);
            dirs.forEach(d -> candidates.add(Path.of(d, command)));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Files.isExecutable(p) && passesProbe(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /**
     * Where the tool is.
     *
     * @throws IllegalStateException with {@link #missingMessage()} when it is not installed
     */
    public Path path() {
        return find().orElseThrow(() -> new IllegalStateException(missingMessage()));
    }

    /** The one line that says what is missing and which Debian package installs it. */
    public String missingMessage() {
        String what = probe.isEmpty() ? command : command + " that can " + probe.get(probe.size() - 1);
        String where = this == FASHION_MNIST ? "not found"
                : this == MOSQUITTO_DYNSEC ? "not found in " + String.join(", ", PLUGIN_DIRS)
                : "not found on PATH or in " + String.join(", ", EXTRA_DIRS);
        return what + " " + where + " (or -D" + property() + "=...): install Debian's "
                + debianPackages + " (apt-get install " + debianPackages + ", or run ./test as root)";
    }

    /**
     * Checks every tool named in a comma-separated list of tool names.
     *
     * @return one line per missing tool; empty when all are there
     * @throws IllegalArgumentException for a name that is no tool
     */
    public static List<String> missing(String names) {
        List<String> lines = new ArrayList<>();
        for (String name : names.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            Tool tool;
            try {
                tool = valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(REQUIRED_PROPERTY + ": no tool named '" + name.trim() + "'", e);
            }
            if (tool.find().isEmpty()) {
                lines.add(tool.missingMessage());
            }
        }
        return lines;
    }

    private boolean passesProbe(Path exe) {
        if (probe.isEmpty()) {
            return true;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(probe);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
