package io.splitee.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.splitee.model.ModelPackageException.Code;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads the real package, and corrupted copies of it that must each fail with their own code and file. */
class ModelPackageTest {

    @TempDir
    Path tmp;

    @Test
    void loadsTheRealPackage() throws Exception {
        ModelPackage pkg = TestPackages.loadReal();
        Manifest m = pkg.manifest();
        assertEquals(12, pkg.depth());
        assertEquals(10, pkg.labels().size());
        assertEquals("fmnist-resnet12", m.id());
        assertArrayEquals(new int[] {1, 28, 28}, m.input().tensor().shape());
        assertArrayEquals(new int[] {16, 28, 28}, m.block(1).output().shape());
        assertArrayEquals(new int[] {32, 14, 14}, m.block(5).output().shape());
        assertArrayEquals(new int[] {64, 7, 7}, m.block(12).output().shape());
        for (int i = 1; i <= 12; i++) {
            assertTrue(Files.isRegularFile(pkg.blockFile(i)), "block file " + i);
            assertTrue(Files.isRegularFile(pkg.exitFile(i)), "exit file " + i);
            assertEquals(10, m.exit(i).classes());
        }
        assertEquals(12, m.fused().outputs().size());
        assertTrue(Files.isRegularFile(pkg.fusedFile()));
        assertTrue(Files.isRegularFile(pkg.trace("clean")));
        assertEquals(pkg.traces().keySet(), m.traces().keySet());
        assertThrows(IllegalArgumentException.class, () -> pkg.trace("no-such-trace"));
        assertArrayEquals(new int[] {1, 28, 28}, pkg.boundaryShape(0));
        assertArrayEquals(new int[] {16, 28, 28}, pkg.boundaryShape(4));
        assertArrayEquals(new int[] {64, 7, 7}, pkg.boundaryShape(12));
        assertThrows(IllegalArgumentException.class, () -> pkg.boundaryShape(13));
    }

    @Test
    void manifestHashIsTheSha256OfTheManifestBytes() {
        ModelPackage pkg = TestPackages.loadReal();
        assertEquals(TestPackages.sha256(pkg.directory().resolve("manifest.json")), pkg.manifestSha256());
        assertEquals(32, pkg.manifestSha256Bytes().length);
    }

    @Test
    void samplesAreTheFirstThousandTestImagesWithLabels() {
        ModelPackage pkg = TestPackages.loadReal();
        IdxSamples s = pkg.samples();
        assertEquals(1000, s.count());
        assertEquals(784, s.image(0).length);
        int[] perClass = new int[10];
        for (int i = 0; i < s.count(); i++) {
            perClass[s.label(i)]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(perClass[c] > 50, "class " + c + " has " + perClass[c] + " of the first 1000 test samples");
        }
        // the trace's label column is in test-set order too
        TraceFile trace = TraceFile.read(pkg.trace("clean"), 12, 1000);
        for (int i = 0; i < 1000; i++) {
            assertEquals(s.label(i), trace.label()[i], "label of sample " + i);
        }
    }

    @Test
    void normalisationMatchesTheManifestFormula() {
        InputSpec in = TestPackages.loadReal().manifest().input();
        byte[] pixels = new byte[784];
        pixels[0] = 0;
        pixels[1] = (byte) 255;
        pixels[2] = (byte) 128;
        float[] t = in.normalise(pixels);
        double mean = in.normalisation().mean()[0];
        double std = in.normalisation().std()[0];
        assertEquals(-mean / std, t[0], 1e-6);
        assertEquals((1 - mean) / std, t[1], 1e-6);
        assertEquals((128 / 255.0 - mean) / std, t[2], 1e-6);
    }

    // ---- corrupted copies: each must fail with its own code, naming the file

    @Test
    void missingOnnxFile() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        Files.delete(dir.resolve("exit_05.onnx"));
        assertFails(dir, Code.MISSING_FILE, "exit_05.onnx", "missing");
    }

    @Test
    void missingManifest() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        Files.delete(dir.resolve("manifest.json"));
        assertFails(dir, Code.MISSING_FILE, "manifest.json", "missing");
    }

    @Test
    void missingSampleAndTraceFiles() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        Files.delete(dir.resolve("traces/blur-1.csv.gz"));
        assertFails(dir, Code.MISSING_FILE, "traces/blur-1.csv.gz", "blur-1");
        Files.delete(dir.resolve("samples/labels-idx1-ubyte.gz"));
        assertFails(dir, Code.MISSING_FILE, "samples/labels-idx1-ubyte.gz", "missing");
    }

    @Test
    void changedByteFailsTheHash() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        Path f = dir.resolve("block_03.onnx");
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 0x01;
        Files.write(f, b);
        assertFails(dir, Code.HASH_MISMATCH, "block_03.onnx", "SHA-256");
    }

    @Test
    void blockOutputShapeNotChainingIntoNextBlock() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> setShape((ObjectNode) root.get("blocks").get(5).get("output"), 32, 14, 15));
        ModelPackageException e = assertFails(dir, Code.SHAPE_MISMATCH, "manifest.json", "block_07.onnx");
        assertTrue(e.getMessage().contains("block_06.onnx"), e.getMessage());
    }

    @Test
    void exitInputShapeNotMatchingItsBlock() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> setShape((ObjectNode) root.get("exits").get(2).get("input"), 32, 14, 14));
        assertFails(dir, Code.SHAPE_MISMATCH, "manifest.json", "exit_03.onnx");
    }

    @Test
    void textFileInPlaceOfOnnxWithAFixedHash() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        Files.writeString(dir.resolve("block_02.onnx"), "this is not a model\njust some text\n");
        TestPackages.fixHash(dir, "block_02.onnx");
        assertFails(dir, Code.NOT_ONNX, "block_02.onnx", "not an ONNX model");
    }

    @Test
    void emptyOnnxFileWithAFixedHash() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        Files.write(dir.resolve("fused.onnx"), new byte[0]);
        TestPackages.fixHash(dir, "fused.onnx");
        assertFails(dir, Code.NOT_ONNX, "fused.onnx", "empty");
    }

    @Test
    void malformedManifest() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        Path m = dir.resolve("manifest.json");
        String json = Files.readString(m);
        Files.writeString(m, json.substring(0, json.length() / 2));
        assertFails(dir, Code.MALFORMED_MANIFEST, "manifest.json", "line");
        Files.writeString(m, json + " {}");
        assertFails(dir, Code.MALFORMED_MANIFEST, "manifest.json", "not valid JSON");
    }

    @Test
    void missingKeys() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> ((ObjectNode) root.get("blocks").get(3)).remove("sha256"));
        assertFails(dir, Code.MISSING_KEY, "manifest.json", "blocks[3].sha256");
        Path dir2 = TestPackages.copyReal(tmp.resolve("second"));
        TestPackages.editManifest(dir2, root -> root.remove("labels"));
        assertFails(dir2, Code.MISSING_KEY, "manifest.json", "\"labels\"");
    }

    @Test
    void wrongValueType() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> root.put("opset", "17"));
        assertFails(dir, Code.INVALID_VALUE, "manifest.json", "\"opset\" must be an integer");
    }

    @Test
    void dtypeOtherThanFloat32() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> ((ObjectNode) root.get("blocks").get(2).get("output")).put("dtype", "float16"));
        assertFails(dir, Code.INVALID_VALUE, "manifest.json", "\"float16\"; only float32 is supported");
    }

    @Test
    void unsupportedSchema() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> root.put("schema", 2));
        assertFails(dir, Code.UNSUPPORTED_SCHEMA, "manifest.json", "schema 2");
    }

    @Test
    void labelCountNotMatchingTheExitOutputs() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> ((ArrayNode) root.get("labels")).remove(9));
        assertFails(dir, Code.LABEL_MISMATCH, "manifest.json", "9 labels");
    }

    @Test
    void blockIndicesNotContiguous() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> ((ObjectNode) root.get("blocks").get(4)).put("index", 6));
        assertFails(dir, Code.INDEX_MISMATCH, "manifest.json", "block_05.onnx");
    }

    @Test
    void fewerExitsThanBlocks() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> ((ArrayNode) root.get("exits")).remove(11));
        assertFails(dir, Code.INDEX_MISMATCH, "manifest.json", "12 blocks but 11 exits");
    }

    @Test
    void fileOutsideThePackage() {
        Path dir = TestPackages.copyReal(tmp.resolve("pkg"));
        TestPackages.editManifest(dir, root -> ((ObjectNode) root.get("exits").get(0)).put("file", "../exit_01.onnx"));
        assertFails(dir, Code.INVALID_VALUE, "manifest.json", "../exit_01.onnx");
    }

    @Test
    void samplesThatAreNotIdx() throws IOException {
        Path dir = TestPackages.copyReal(tmp);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("not idx at all".getBytes(StandardCharsets.US_ASCII));
        }
        Files.write(dir.resolve("samples/images-idx3-ubyte.gz"), bytes.toByteArray());
        TestPackages.fixHash(dir, "samples/images-idx3-ubyte.gz");
        assertFails(dir, Code.BAD_SAMPLES, "samples/images-idx3-ubyte.gz", "IDX3");
    }

    @Test
    void sampleCountDisagreeingWithManifest() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> ((ObjectNode) root.get("samples")).put("count", 999));
        assertFails(dir, Code.BAD_SAMPLES, "samples/images-idx3-ubyte.gz", "999");
    }

    @Test
    void metricsOfTheWrongLength() {
        Path dir = TestPackages.copyReal(tmp);
        TestPackages.editManifest(dir, root -> ((ArrayNode) root.get("metrics").get("test_accuracy")).remove(0));
        assertFails(dir, Code.INVALID_VALUE, "manifest.json", "11 accuracies");
    }

    @Test
    void notADirectory() {
        ModelPackageException e = assertThrows(ModelPackageException.class,
                () -> ModelPackage.load(tmp.resolve("nowhere")));
        assertEquals(Code.NOT_A_DIRECTORY, e.code());
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    private static void setShape(ObjectNode tensor, int... dims) {
        ArrayNode shape = tensor.putArray("shape");
        for (int d : dims) {
            shape.add(d);
        }
    }

    private static ModelPackageException assertFails(Path dir, Code code, String file, String messagePart) {
        ModelPackageException e = assertThrows(ModelPackageException.class, () -> ModelPackage.load(dir));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(file, e.file(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "message lacks \"" + messagePart + "\": " + e.getMessage());
        return e;
    }
}
