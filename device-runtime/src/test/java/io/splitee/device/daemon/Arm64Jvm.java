package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.splitee.testenv.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Debian's arm64 Java 17 on this machine, as a Raspberry Pi 4 would run it: {@code qemu-aarch64 -cpu
 * cortex-a72 -L SYSROOT SYSROOT/usr/lib/jvm/java-17-openjdk-arm64/bin/java} (user-mode emulation; no
 * binfmt_misc needed). The sysroot is what {@code .ci/arm64-jre} prepares (Debian's arm64 packages
 * extracted with {@code dpkg -x}, and a Pi 4's {@code /proc/cpuinfo}).
 *
 * <p>Where it is: {@code -Dsplitee.arm64.sysroot}, else {@code $SPLITEE_ARM64_SYSROOT} (the test command
 * sets it when it prepared one); a sysroot given so is required, and a test that cannot use it fails.
 * Without either, the script's default cache is used when it holds one; where there is none, or no
 * emulator, the test is skipped, saying which.
 */
final class Arm64Jvm {
    static final String SYSROOT_PROPERTY = "splitee.arm64.sysroot";
    static final String SYSROOT_ENV = "SPLITEE_ARM64_SYSROOT";
    static final String JAVA = "usr/lib/jvm/java-17-openjdk-arm64/bin/java";
    /** The CPU of a Raspberry Pi 4. */
    static final String CPU = "cortex-a72";

    private final Path qemu;
    private final Path sysroot;

    private Arm64Jvm(Path qemu, Path sysroot) {
        this.qemu = qemu;
        this.sysroot = sysroot;
    }

    /**
     * This machine's arm64 JVM. Skips the calling test where the emulator or a sysroot cannot be had;
     * fails where a sysroot was given (property or environment) and the emulator or its Java is missing.
     */
    static Arm64Jvm find() {
        String given = System.getProperty(SYSROOT_PROPERTY);
        String from = "-D" + SYSROOT_PROPERTY;
        if (given == null || given.isBlank()) {
            given = System.getenv(SYSROOT_ENV);
            from = "$" + SYSROOT_ENV;
        }
        boolean required = given != null && !given.isBlank();
        Path sysroot = required ? Path.of(given) : defaultCache();
        Optional<Path> qemu = Tool.QEMU_AARCH64.find();
        if (qemu.isEmpty()) {
            unavailable(required, Tool.QEMU_AARCH64.missingMessage()
                    + (required ? "; needed for the arm64 sysroot " + from + " names" : ""));
        }
        if (!Files.isExecutable(sysroot.resolve(JAVA))) {
            unavailable(required, required
                    ? from + "=" + sysroot + " has no " + JAVA + ": run .ci/arm64-jre and give the folder it prints"
                    : "no arm64 sysroot (none given in " + SYSROOT_ENV + " or -D" + SYSROOT_PROPERTY + ", none in "
                    + sysroot + "): run .ci/arm64-jre, or ./test, which prepares one and passes it");
        }
        return new Arm64Jvm(qemu.orElseThrow(), sysroot.toAbsolutePath());
    }

    /** Where {@code .ci/arm64-jre} puts the sysroot by default. */
    static Path defaultCache() {
        String cache = System.getenv("SPLITEE_ARM64_CACHE");
        if (cache != null && !cache.isBlank()) {
            return Path.of(cache, "root");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("splitee/arm64-sysroot/root");
    }

    private static void unavailable(boolean required, String why) {
        if (required) {
            fail("the arm64 check cannot run: " + why);
        }
        System.out.println("Arm64EmulationIT skipped: " + why);
        assumeTrue(false, why);
    }

    /** The command line that runs the arm64 {@code java} with {@code jvmOptions} and {@code args}. */
    List<String> java(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(qemu.toString(), "-cpu", CPU, "-L", sysroot.toString(),
                sysroot.resolve(JAVA).toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(args);
        return cmd;
    }

    @Override
    public String toString() {
        return qemu + " -cpu " + CPU + " -L " + sysroot;
    }
}
