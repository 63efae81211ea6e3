package io.splitee.model;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Test access to the real shipped model package ({@code models/fmnist-resnet12} at the repository
 * root, or the directory in system property {@value #PROPERTY}) and helpers to make corrupted
 * copies of it. A missing package is a test failure, never a skip: the package is part of the
 * repository.
 */
public final class TestPackages {

    /** System property that overrides the package location. */
    public static final String PROPERTY = "splitee.model.dir";

    /** Default location, relative to a module directory (the working directory of surefire/failsafe). */
    public static final String DEFAULT_DIR = "../models/fmnist-resnet12";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestPackages() {
    }

    /** @return the real package directory; fails the test if it is absent */
    public static Path realPackageDir() {
        Path dir = Path.of(System.getProperty(PROPERTY, DEFAULT_DIR)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            fail("the real model package is missing: no manifest.json in " + dir + " (it is committed at "
                    + "models/fmnist-resnet12; or pass -D" + PROPERTY + "=<package dir>)");
        }
        return dir;
    }

    /** @return the real package, loaded; fails the test if it is absent or invalid */
    public static ModelPackage loadReal() {
        try {
            return ModelPackage.load(realPackageDir());
        } catch (ModelPackageException e) {
            throw new AssertionError("the real model package does not load: " + e.getMessage(), e);
        }
    }

    /**
     * Copies the real package into {@code target} (which must exist and be empty).
     *
     * @return {@code target}
     */
    public static Path copyReal(Path target) {
        Path source = realPackageDir();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** Edits manifest.json of the package at {@code dir} in place (pretty-printed on write). */
    public static void editManifest(Path dir, Consumer<ObjectNode> edit) {
        try {
            Path manifest = dir.resolve("manifest.json");
            ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
            edit.accept(root);
            JSON.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sets the manifest's SHA-256 for {@code file} (a block, exit, fused or sample file) to the
     * file's current hash, so that only later checks can catch a replaced file.
     */
    public static void fixHash(Path dir, String file) {
        String hash = sha256(dir.resolve(file));
        editManifest(dir, root -> {
            boolean[] found = {false};
            for (String list : new String[] {"blocks", "exits"}) {
                for (JsonNode n : root.get(list)) {
                    if (n.get("file").asText().equals(file)) {
                        ((ObjectNode) n).put("sha256", hash);
                        found[0] = true;
                    }
                }
            }
            ObjectNode fused = (ObjectNode) root.get("fused");
            if (fused.get("file").asText().equals(file)) {
                fused.put("sha256", hash);
                found[0] = true;
            }
            ObjectNode samples = (ObjectNode) root.get("samples").get("sha256");
            if (samples.has(file)) {
                samples.put(file, hash);
                found[0] = true;
            }
            if (!found[0]) {
                throw new IllegalArgumentException("manifest lists no hashed file " + file);
            }
        });
    }

    /** @return the SHA-256 of a file, lowercase hex */
    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
