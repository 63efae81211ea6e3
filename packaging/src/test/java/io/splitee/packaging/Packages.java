package io.splitee.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Where the build put the packages, the units and the repository's files the packages are made of. */
final class Packages {
    /** This module's build directory (the tests run in the module's folder). */
    static final Path TARGET = Path.of("target").toAbsolutePath();
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path UNITS = REPO.resolve("systemd");
    static final Path MODEL = REPO.resolve("models/fmnist-resnet12");
    static final List<String> DAEMONS = List.of("device", "gateway");
    static final List<String> ARCHES = List.of("arm64", "amd64");
    static final String MODEL_PACKAGE = "splitee-model-fmnist-resnet12";

    private Packages() {
    }

    /** The one package file of {@code name} for {@code arch} (e.g. splitee-device, arm64) in target/. */
    static Path deb(String name, String arch) throws IOException {
        String suffix = "_" + arch + ".deb";
        try (Stream<Path> files = Files.list(TARGET)) {
            List<Path> found = files.filter(p -> {
                String f = p.getFileName().toString();
                return f.startsWith(name + "_") && f.endsWith(suffix);
            }).toList();
            assertEquals(1, found.size(), "one " + name + "_*" + suffix + " in " + TARGET + " (mvn package): " + found);
            return found.get(0);
        }
    }

    /** The package version: the part of the file name between the first and the last underscore. */
    static String version(Path deb) {
        String f = deb.getFileName().toString();
        return f.substring(f.indexOf('_') + 1, f.lastIndexOf('_'));
    }

    /** This machine's Debian architecture (amd64, arm64), or null for another. */
    static String hostArch() {
        return switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> null;
        };
    }

    /** Whether this process runs as root. */
    static boolean isRoot() throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }
}
