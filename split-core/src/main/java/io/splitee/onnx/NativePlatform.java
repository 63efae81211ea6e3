package io.splitee.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Whether ONNX Runtime can run on this machine: its Java binding loads a native library for the platform
 * ({@code ai/onnxruntime/native/<os>-<arch>/} on the class path), and on a platform it has no name for it fails
 * in a static initialiser ({@code IllegalStateException: Unsupported arch:arm}, with a stack trace). {@link
 * #requireSupported()} checks first, before any ONNX Runtime class is loaded, and refuses with one line naming
 * the platform and the ones this build carries, which it reads from the class path (a jar built for one
 * architecture carries one).
 */
public final class NativePlatform {
    /** ONNX Runtime's names for operating systems and architectures ({@code OnnxRuntime.initOsArch}, 1.29). */
    private static final List<String> OSES = List.of("linux", "osx", "win");
    private static final List<String> ARCHES = List.of("x64", "aarch64", "x86", "ppc64", "loongarch64");

    private NativePlatform() {
    }

    /**
     * Checks this JVM's platform ({@code os.name}, {@code os.arch}) against the native libraries on the class path.
     * Where {@code onnxruntime.native.path} names a folder of the user's own libraries, only ONNX Runtime's name
     * for the platform is checked.
     *
     * @throws UnsupportedPlatformException naming the platform and the ones supported
     */
    public static void requireSupported() {
        ClassLoader loader = NativePlatform.class.getClassLoader();
        String osName = System.getProperty("os.name", "");
        String osArch = System.getProperty("os.arch", "");
        Optional<String> own = System.getProperty("onnxruntime.native.path") == null ? Optional.empty()
                : key(osName, osArch);
        Optional<String> why = refusal(osName, osArch, p -> own.filter(p::equals).isPresent() || bundled(loader, p));
        if (why.isPresent()) {
            throw new UnsupportedPlatformException(why.get());
        }
    }

    /**
     * Why ONNX Runtime cannot run on {@code osName}/{@code osArch}, given which of ONNX Runtime's platforms
     * ({@code linux-aarch64}, ...) have their libraries.
     *
     * @return empty if it can
     */
    static Optional<String> refusal(String osName, String osArch, Predicate<String> available) {
        List<String> carried = new ArrayList<>();
        for (String os : OSES) {
            for (String arch : ARCHES) {
                if (available.test(os + "-" + arch)) {
                    carried.add(os + "-" + arch);
                }
            }
        }
        Optional<String> key = key(osName, osArch);
        if (key.isPresent() && available.test(key.get())) {
            return Optional.empty();
        }
        String here = key.orElse(osKey(osName) + "-" + osArch.toLowerCase(Locale.ROOT)) + describe(osArch);
        String supported = carried.isEmpty() ? "this build carries none" : "this build supports " + String.join(", ",
                carried);
        String advice;
        if (is32Bit(osArch) && carried.stream().anyMatch(c -> c.endsWith("-aarch64") || c.endsWith("-x64"))) {
            advice = "; SplitEE Edge needs a 64-bit OS (on a Raspberry Pi: Raspberry Pi OS 64-bit)";
        } else if (key.isPresent()) {
            advice = "; use the build for this machine's architecture";
        } else {
            advice = "";
        }
        return Optional.of("ONNX Runtime has no native library for " + here + "; " + supported + advice);
    }

    /** ONNX Runtime's name for the platform, where it has one. */
    static Optional<String> key(String osName, String osArch) {
        String os = osKey(osName);
        String a = osArch.toLowerCase(Locale.ROOT);
        String arch;
        if (a.startsWith("amd64") || a.startsWith("x86_64")) {
            arch = "x64";
        } else if (a.startsWith("x86")) {
            arch = "x86";
        } else if (a.startsWith("aarch64")) {
            arch = "aarch64";
        } else if (a.startsWith("ppc64")) {
            arch = "ppc64";
        } else if (a.startsWith("loongarch64")) {
            arch = "loongarch64";
        } else {
            return Optional.empty();
        }
        return OSES.contains(os) ? Optional.of(os + "-" + arch) : Optional.empty();
    }

    private static String osKey(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("mac") || os.contains("darwin")) {
            return "osx";
        }
        if (os.contains("win")) {
            return "win";
        }
        if (os.contains("nux")) {
            return "linux";
        }
        return os.replace(' ', '_');
    }

    private static boolean is32Bit(String osArch) {
        String a = osArch.toLowerCase(Locale.ROOT);
        return a.equals("arm") || a.startsWith("armv7") || a.startsWith("armhf") || a.startsWith("armel")
                || a.equals("i386") || a.equals("i686") || a.equals("x86");
    }

    private static String describe(String osArch) {
        String a = osArch.toLowerCase(Locale.ROOT);
        if (a.equals("arm") || a.startsWith("armv7") || a.startsWith("armhf") || a.startsWith("armel")) {
            return " (32-bit ARM)";
        }
        if (a.equals("i386") || a.equals("i686") || a.equals("x86")) {
            return " (32-bit x86)";
        }
        return "";
    }

    /** Whether the class path holds ONNX Runtime's two libraries for {@code platform}. */
    static boolean bundled(ClassLoader loader, String platform) {
        String dir = "ai/onnxruntime/native/" + platform + "/";
        String suffix = platform.startsWith("win-") ? ".dll" : platform.startsWith("osx-") ? ".dylib" : ".so";
        String prefix = platform.startsWith("win-") ? "" : "lib";
        return loader.getResource(dir + prefix + "onnxruntime" + suffix) != null
                && loader.getResource(dir + prefix + "onnxruntime4j_jni" + suffix) != null;
    }
}
