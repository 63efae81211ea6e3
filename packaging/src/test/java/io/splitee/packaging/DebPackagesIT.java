package io.splitee.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.testenv.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five packages as built: control fields, conffiles, every file with its mode and owner
 * ({@code dpkg-deb -c}), the maintainer scripts' syntax, and the jar inside each daemon package: only its
 * architecture's native libraries, and the arm64 device package under 25 MB.
 */
class DebPackagesIT {
    /** Native libraries inside a jar: ONNX Runtime's, JNA's and Pi4J's, by platform folder. */
    private static final Pattern NATIVE = Pattern.compile(
            "(ai/onnxruntime/native/[^/]+/|com/sun/jna/[^/]+-[^/]+/|lib/[^/]+/).*[^/]");
    private static final String DEPENDS = "openjdk-17-jre-headless | java17-runtime-headless, systemd, passwd, "
            + Packages.MODEL_PACKAGE + " (= %s)";

    @TempDir
    Path tmp;

    static String dpkgDeb() {
        return Tool.DPKG_DEB.path().toString();
    }

    /** Path (without the leading "./") to "mode owner/group" of every entry in the package. */
    static Map<String, String> contents(Path deb) throws Exception {
        Map<String, String> entries = new TreeMap<>();
        for (String line : Command.ok(dpkgDeb(), "-c", deb.toString()).lines()) {
            String[] f = line.trim().split("\\s+", 6);
            assertEquals(6, f.length, "a dpkg-deb -c line: " + line);
            entries.put(f[5].replaceFirst("^\\./", ""), f[0] + " " + f[1]);
        }
        return entries;
    }

    static String field(Path deb, String name) throws Exception {
        return Command.ok(dpkgDeb(), "-f", deb.toString(), name).output().strip();
    }

    @Test
    void daemonPackagesHoldTheirFilesWithTheRightModes() throws Exception {
        for (String daemon : Packages.DAEMONS) {
            for (String arch : Packages.ARCHES) {
                Path deb = Packages.deb("splitee-" + daemon, arch);
                String version = Packages.version(deb);
                String where = deb.getFileName() + ": ";
                assertEquals("splitee-" + daemon, field(deb, "Package"), where);
                assertEquals(arch, field(deb, "Architecture"), where);
                assertEquals(version, field(deb, "Version"), where);
                assertEquals(String.format(DEPENDS, version), field(deb, "Depends"), where);
                assertTrue(field(deb, "Maintainer").matches(".+ <.+@.+>"), where + "Maintainer");
                assertTrue(Integer.parseInt(field(deb, "Installed-Size")) > 10_000, where + "Installed-Size (KiB)");
                assertEquals("/etc/splitee/" + daemon + ".properties",
                        Command.ok(dpkgDeb(), "-I", deb.toString(), "conffiles").output().strip(), where + "conffiles");

                Map<String, String> files = new TreeMap<>();
                contents(deb).forEach((path, modeOwner) -> {
                    if (!path.endsWith("/")) {
                        files.put(path, modeOwner);
                    }
                });
                Map<String, String> expected = new TreeMap<>(Map.of(
                        "etc/splitee/" + daemon + ".properties", "-rw-r----- root/root",
                        "lib/systemd/system/splitee-" + daemon + ".service", "-rw-r--r-- root/root",
                        "usr/lib/sysusers.d/splitee-" + daemon + ".conf", "-rw-r--r-- root/root",
                        "usr/share/doc/splitee-" + daemon + "/install.md", "-rw-r--r-- root/root",
                        "usr/share/splitee/" + daemon + ".example.properties", "-rw-r--r-- root/root",
                        "usr/share/splitee/splitee-" + daemon + ".jar", "-rw-r--r-- root/root"));
                assertEquals(expected, files, where + "files, modes and owners");
                contents(deb).forEach((path, modeOwner) -> {
                    if (path.endsWith("/")) {
                        assertEquals("drwxr-xr-x root/root", modeOwner, where + path);
                    }
                });

                Path root = tmp.resolve(daemon + "-" + arch);
                Command.ok(dpkgDeb(), "-x", deb.toString(), root.toString());
                Path example = Packages.REPO.resolve(daemon.equals("device")
                        ? "device-runtime/splitee-device.example.properties"
                        : "offload-gateway/splitee-gateway.example.properties");
                assertArrayEquals(Files.readAllBytes(example),
                        Files.readAllBytes(root.resolve("etc/splitee/" + daemon + ".properties")), where + "the conffile");
                assertArrayEquals(Files.readAllBytes(example),
                        Files.readAllBytes(root.resolve("usr/share/splitee/" + daemon + ".example.properties")),
                        where + "the pristine example postinst compares the conffile with");
                assertArrayEquals(Files.readAllBytes(Packages.UNITS.resolve("splitee-" + daemon + ".service")),
                        Files.readAllBytes(root.resolve("lib/systemd/system/splitee-" + daemon + ".service")), where + "unit");
                assertEquals("u splitee - \"SplitEE Edge daemon\" /nonexistent",
                        Files.readAllLines(root.resolve("usr/lib/sysusers.d/splitee-" + daemon + ".conf")).stream()
                                .filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElse(""), where + "sysusers.d");
                assertNativesOnlyFor(root.resolve("usr/share/splitee/splitee-" + daemon + ".jar"), daemon, arch);
            }
        }
    }

    /** The jar's native libraries are exactly its architecture's; the rest of the shaded jar is there. */
    private static void assertNativesOnlyFor(Path jar, String daemon, String arch) throws IOException {
        boolean arm = arch.equals("arm64");
        Set<String> expected = new TreeSet<>();
        String ort = "ai/onnxruntime/native/" + (arm ? "linux-aarch64/" : "linux-x64/");
        expected.add(ort + "libonnxruntime.so");
        expected.add(ort + "libonnxruntime4j_jni.so");
        if (daemon.equals("device")) {
            expected.add("com/sun/jna/" + (arm ? "linux-aarch64" : "linux-x86-64") + "/libjnidispatch.so");
            if (arm) { // Pi4J ships natives for the Pi only (aarch64 and armhf)
                expected.addAll(Set.of("lib/aarch64/pi4j-gpiod/libgpiod.so", "lib/aarch64/pi4j-gpiod/libpi4j-gpiod.so",
                        "lib/aarch64/pi4j-linuxfs/libpi4j-linuxfs.so"));
            }
        }
        Set<String> natives = new TreeSet<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = j.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (NATIVE.matcher(name).matches()) {
                    natives.add(name);
                }
            }
            String main = j.getManifest().getMainAttributes().getValue("Main-Class");
            assertEquals(daemon.equals("device") ? "io.splitee.device.cli.DeviceMain" : "io.splitee.gateway.GatewayMain",
                    main, jar + ": Main-Class");
            assertTrue(j.getEntry("ai/onnxruntime/OrtEnvironment.class") != null, jar + ": ONNX Runtime's classes");
        }
        // JNA is in the gateway jar only once something there depends on it; then only this architecture's
        natives.removeIf(n -> daemon.equals("gateway") && n.equals("com/sun/jna/"
                + (arm ? "linux-aarch64" : "linux-x86-64") + "/libjnidispatch.so"));
        assertEquals(expected, natives, jar + " (" + arch + "): native libraries");
    }

    @Test
    void theArm64DevicePackageIsUnder25MB() throws Exception {
        long size = Files.size(Packages.deb("splitee-device", "arm64"));
        assertTrue(size < 25_000_000L, "splitee-device arm64: " + size + " bytes");
    }

    @Test
    void modelPackageHoldsTheWholeModelPackage() throws Exception {
        Path deb = Packages.deb(Packages.MODEL_PACKAGE, "all");
        assertEquals(Packages.MODEL_PACKAGE, field(deb, "Package"));
        assertEquals("all", field(deb, "Architecture"));
        assertTrue(!Command.ok(dpkgDeb(), "-I", deb.toString()).output().contains("conffiles"), "no conffiles");
        Map<String, String> expected = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(Packages.MODEL)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                expected.put("usr/share/splitee/models/fmnist-resnet12/" + Packages.MODEL.relativize(p), "-rw-r--r-- root/root");
            }
        }
        Map<String, String> actual = new TreeMap<>();
        contents(deb).forEach((path, modeOwner) -> {
            if (!path.endsWith("/")) {
                actual.put(path, modeOwner);
            }
        });
        assertTrue(expected.containsKey("usr/share/splitee/models/fmnist-resnet12/manifest.json"));
        assertEquals(new TreeMap<>(expected), actual);
    }

    @Test
    void maintainerScriptsAreValidShell() throws Exception {
        for (String daemon : Packages.DAEMONS) {
            Path deb = Packages.deb("splitee-" + daemon, "amd64");
            Path control = tmp.resolve("control-" + daemon);
            Command.ok(dpkgDeb(), "-e", deb.toString(), control.toString());
            for (String script : new String[] {"postinst", "prerm", "postrm"}) {
                Path s = control.resolve(script);
                assertTrue(Files.isExecutable(s), deb.getFileName() + ": " + script + " executable");
                assertTrue(Files.readString(s).startsWith("#!/bin/sh\n"), script);
                Command.ok("sh", "-n", s.toString());
                assertTrue(!Files.readString(s).contains("@deb."), script + ": every template key filtered");
            }
        }
    }
}
