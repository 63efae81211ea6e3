package io.splitee.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NativePlatformTest {
    static final Set<String> FULL_JAR = Set.of("linux-x64", "linux-aarch64", "osx-aarch64", "win-x64");

    @Test
    void thirtyTwoBitArmIsRefusedNamingWhatIsSupported() {
        assertEquals(Optional.of("ONNX Runtime has no native library for linux-arm (32-bit ARM); this build supports "
                        + "linux-x64, linux-aarch64, osx-aarch64, win-x64; SplitEE Edge needs a 64-bit OS (on a Raspberry "
                        + "Pi: Raspberry Pi OS 64-bit)"),
                NativePlatform.refusal("Linux", "arm", FULL_JAR::contains));
        assertEquals(Optional.of("ONNX Runtime has no native library for linux-arm (32-bit ARM); this build supports "
                        + "linux-aarch64; SplitEE Edge needs a 64-bit OS (on a Raspberry Pi: Raspberry Pi OS 64-bit)"),
                NativePlatform.refusal("Linux", "arm", Set.of("linux-aarch64")::contains), "an arm64 package's jar");
        assertTrue(NativePlatform.refusal("Linux", "i386", FULL_JAR::contains).orElseThrow()
                .startsWith("ONNX Runtime has no native library for linux-i386 (32-bit x86); "));
    }

    @Test
    void aSixtyFourBitPlatformIsAcceptedWhereItsLibraryIsCarried() {
        assertEquals(Optional.empty(), NativePlatform.refusal("Linux", "aarch64", FULL_JAR::contains));
        assertEquals(Optional.empty(), NativePlatform.refusal("Linux", "amd64", FULL_JAR::contains));
        assertEquals(Optional.empty(), NativePlatform.refusal("Mac OS X", "aarch64", FULL_JAR::contains));
        assertEquals(Optional.empty(), NativePlatform.refusal("Windows 11", "amd64", FULL_JAR::contains));
    }

    @Test
    void aJarBuiltForAnotherArchitectureIsRefused() {
        assertEquals(Optional.of("ONNX Runtime has no native library for linux-x64; this build supports linux-aarch64; "
                        + "use the build for this machine's architecture"),
                NativePlatform.refusal("Linux", "amd64", Set.of("linux-aarch64")::contains));
        assertEquals(Optional.of("ONNX Runtime has no native library for linux-riscv64; this build supports linux-x64"),
                NativePlatform.refusal("Linux", "riscv64", Set.of("linux-x64")::contains));
        assertEquals(Optional.of("ONNX Runtime has no native library for freebsd-amd64; this build carries none"),
                NativePlatform.refusal("FreeBSD", "amd64", p -> false));
    }

    @Test
    void theClassPathIsReadForTheLibraries() {
        ClassLoader l = NativePlatform.class.getClassLoader();
        // the test class path holds Maven Central's onnxruntime jar: its four platforms, and no others
        for (String p : FULL_JAR) {
            assertTrue(NativePlatform.bundled(l, p), p);
        }
        assertEquals(false, NativePlatform.bundled(l, "linux-ppc64"));
        assertEquals(false, NativePlatform.bundled(l, "osx-x64"));
        NativePlatform.requireSupported(); // this machine runs the tests, so it is supported
    }
}
