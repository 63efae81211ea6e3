package io.splitee.model;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class OnnxFileCheckTest {

    /** ir_version 8, graph {}, opset_import {version 17}. */
    private static final byte[] MINIMAL = {0x08, 0x08, 0x3a, 0x00, 0x42, 0x02, 0x10, 0x11};

    @Test
    void acceptsAWellFormedModelProto() {
        assertNull(OnnxFileCheck.problem(MINIMAL));
    }

    @Test
    void acceptsEveryOnnxFileOfTheRealPackage() throws Exception {
        ModelPackage pkg = TestPackages.loadReal();
        for (int i = 1; i <= pkg.depth(); i++) {
            assertNull(OnnxFileCheck.problem(Files.readAllBytes(pkg.blockFile(i))));
            assertNull(OnnxFileCheck.problem(Files.readAllBytes(pkg.exitFile(i))));
        }
        assertNull(OnnxFileCheck.problem(Files.readAllBytes(pkg.fusedFile())));
    }

    @Test
    void rejectsTextEmptyTruncatedAndIncompleteFiles() throws Exception {
        assertNotNull(OnnxFileCheck.problem("hello, I am a text file\n".getBytes(StandardCharsets.US_ASCII)));
        assertNotNull(OnnxFileCheck.problem("{\"schema\": 1}".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(OnnxFileCheck.problem(new byte[0]).contains("empty"));
        byte[] real = Files.readAllBytes(TestPackages.loadReal().blockFile(1));
        assertNotNull(OnnxFileCheck.problem(java.util.Arrays.copyOf(real, real.length - 7)), "truncated");
        assertTrue(OnnxFileCheck.problem(new byte[] {0x08, 0x08, 0x42, 0x02, 0x10, 0x11}).contains("no graph"));
        assertTrue(OnnxFileCheck.problem(new byte[] {0x3a, 0x00, 0x42, 0x02, 0x10, 0x11}).contains("no ir_version"));
        assertTrue(OnnxFileCheck.problem(new byte[] {0x08, 0x08, 0x3a, 0x00}).contains("no opset_import"));
        assertTrue(OnnxFileCheck.problem(new byte[] {0x08, 0x08, 0x3a, 0x05, 0x00}).contains("past the end"));
    }
}
