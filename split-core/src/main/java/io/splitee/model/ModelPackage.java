package io.splitee.model;

import io.splitee.model.ModelPackageException.Code;
import io.splitee.wire.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated model package: a directory with {@code manifest.json}, one ONNX file per block and per
 * exit, the fused graph, a sample set and replay traces (the model package contract, manifest
 * schema {@value #SCHEMA_VERSION}). {@link #load(Path)} checks everything it can without running a model and fails on
 * the first problem with a {@link ModelPackageException} naming the file; an instance is therefore
 * always consistent. Immutable and safe to share between threads.
 *
 * <p>What {@code load} checks: the manifest is JSON of schema {@value #SCHEMA_VERSION} with every
 * required key; block and exit indices are 1..L in order and equal in number; every tensor is
 * float32; block 1 takes the input shape, block i takes block i-1's output, exit i takes block i's
 * output, every exit and fused output is {@code [labels.size()]}; every listed file exists inside
 * the directory; every hashed file (ONNX files and samples) matches its SHA-256; each ONNX file is a
 * protobuf ModelProto; the samples are gzip IDX of the input's image size with the manifest's count
 * and labels below the class count. Whether ONNX Runtime accepts each graph is checked when a
 * runner opens the package.
 */
public final class ModelPackage {

    /** The manifest schema version this code reads. */
    public static final int SCHEMA_VERSION = 1;

    /** The manifest's file name inside the package directory. */
    public static final String MANIFEST_FILE = ManifestParser.FILE;

    private final Path directory;
    private final Manifest manifest;
    private final byte[] manifestSha256;
    private final IdxSamples samples;

    private ModelPackage(Path directory, Manifest manifest, byte[] manifestSha256, IdxSamples samples) {
        this.directory = directory;
        this.manifest = manifest;
        this.manifestSha256 = manifestSha256;
        this.samples = samples;
    }

    /**
     * Loads and validates a package directory.
     *
     * @param directory the package directory (containing manifest.json)
     * @return the validated package
     * @throws ModelPackageException on the first problem found, naming the file at fault
     */
    public static ModelPackage load(Path directory) throws ModelPackageException {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new ModelPackageException(Code.NOT_A_DIRECTORY, directory.toString(),
                    Files.exists(dir) ? "is not a directory" : "does not exist");
        }
        byte[] manifestBytes = read(dir, MANIFEST_FILE);
        Manifest manifest = ManifestParser.parse(manifestBytes);
        checkStructure(manifest);
        for (BlockSpec b : manifest.blocks()) {
            checkOnnx(dir, b.file(), b.sha256());
        }
        for (ExitSpec e : manifest.exits()) {
            checkOnnx(dir, e.file(), e.sha256());
        }
        checkOnnx(dir, manifest.fused().file(), manifest.fused().sha256());
        IdxSamples samples = loadSamples(dir, manifest);
        for (Map.Entry<String, String> trace : manifest.traces().entrySet()) {
            Path p = resolve(dir, trace.getValue(), "traces." + trace.getKey());
            if (!Files.isRegularFile(p)) {
                throw new ModelPackageException(Code.MISSING_FILE, trace.getValue(),
                        "is missing (listed in " + MANIFEST_FILE + " as trace \"" + trace.getKey() + "\")");
            }
        }
        return new ModelPackage(dir, manifest, sha256(manifestBytes), samples);
    }

    private static void checkStructure(Manifest m) throws ModelPackageException {
        String mf = MANIFEST_FILE;
        List<BlockSpec> blocks = m.blocks();
        List<ExitSpec> exits = m.exits();
        if (blocks.isEmpty()) {
            throw new ModelPackageException(Code.INDEX_MISMATCH, mf, "\"blocks\" is empty");
        }
        if (exits.size() != blocks.size()) {
            throw new ModelPackageException(Code.INDEX_MISMATCH, mf,
                    blocks.size() + " blocks but " + exits.size() + " exits (every block needs its exit)");
        }
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).index() != i + 1) {
                throw new ModelPackageException(Code.INDEX_MISMATCH, mf, "blocks[" + i + "] (" + blocks.get(i).file()
                        + ") has index " + blocks.get(i).index() + ", expected " + (i + 1)
                        + " (indices must run 1.." + blocks.size() + " in order)");
            }
            if (exits.get(i).index() != i + 1) {
                throw new ModelPackageException(Code.INDEX_MISMATCH, mf, "exits[" + i + "] (" + exits.get(i).file()
                        + ") has index " + exits.get(i).index() + ", expected " + (i + 1)
                        + " (indices must run 1.." + exits.size() + " in order)");
            }
        }
        checkFloat(m.input().tensor(), "input");
        NamedTensor previous = m.input().tensor();
        String previousName = "the network input";
        for (BlockSpec b : blocks) {
            checkFloat(b.input(), "block " + b.index() + " (" + b.file() + ") input");
            checkFloat(b.output(), "block " + b.index() + " (" + b.file() + ") output");
            if (!Arrays.equals(b.input().shape(), previous.shape())) {
                throw new ModelPackageException(Code.SHAPE_MISMATCH, mf, "block " + b.index() + " (" + b.file()
                        + ") input shape " + Arrays.toString(b.input().shape()) + " does not match " + previousName
                        + " shape " + Arrays.toString(previous.shape()));
            }
            previous = b.output();
            previousName = "block " + b.index() + " (" + b.file() + ") output";
        }
        int classes = m.labels().size();
        if (classes < 2) {
            throw new ModelPackageException(Code.LABEL_MISMATCH, mf, "\"labels\" has " + classes
                    + " entries; a classifier needs at least 2");
        }
        for (ExitSpec e : exits) {
            BlockSpec b = m.block(e.index());
            checkFloat(e.input(), "exit " + e.index() + " (" + e.file() + ") input");
            checkFloat(e.output(), "exit " + e.index() + " (" + e.file() + ") output");
            if (!Arrays.equals(e.input().shape(), b.output().shape())) {
                throw new ModelPackageException(Code.SHAPE_MISMATCH, mf, "exit " + e.index() + " (" + e.file()
                        + ") input shape " + Arrays.toString(e.input().shape()) + " does not match block " + b.index()
                        + " (" + b.file() + ") output shape " + Arrays.toString(b.output().shape()));
            }
            if (!Arrays.equals(e.output().shape(), new int[] {classes})) {
                throw new ModelPackageException(Code.LABEL_MISMATCH, mf, "exit " + e.index() + " (" + e.file()
                        + ") output shape " + Arrays.toString(e.output().shape()) + " does not match the " + classes
                        + " labels (expected [" + classes + "])");
            }
        }
        Manifest.Fused f = m.fused();
        checkFloat(f.input(), "fused (" + f.file() + ") input");
        if (!Arrays.equals(f.input().shape(), m.input().tensor().shape())) {
            throw new ModelPackageException(Code.SHAPE_MISMATCH, mf, "fused graph (" + f.file() + ") input shape "
                    + Arrays.toString(f.input().shape()) + " does not match the network input shape "
                    + Arrays.toString(m.input().tensor().shape()));
        }
        if (f.outputs().size() != exits.size()) {
            throw new ModelPackageException(Code.INDEX_MISMATCH, mf, "fused graph (" + f.file() + ") has "
                    + f.outputs().size() + " outputs but there are " + exits.size() + " exits");
        }
        for (int i = 0; i < f.outputs().size(); i++) {
            NamedTensor o = f.outputs().get(i);
            checkFloat(o, "fused (" + f.file() + ") output " + o.name());
            if (!Arrays.equals(o.shape(), new int[] {classes})) {
                throw new ModelPackageException(Code.LABEL_MISMATCH, mf, "fused graph (" + f.file() + ") output "
                        + o.name() + " shape " + Arrays.toString(o.shape()) + " does not match the " + classes
                        + " labels");
            }
        }
        int accuracies = m.metrics().testAccuracy().length;
        int confidences = m.metrics().meanConfidence().length;
        if ((accuracies != 0 && accuracies != exits.size()) || (confidences != 0 && confidences != exits.size())) {
            throw new ModelPackageException(Code.INVALID_VALUE, mf, "\"metrics\" lists " + accuracies + " accuracies and "
                    + confidences + " confidences for " + exits.size() + " exits");
        }
        Manifest.Samples s = m.samples();
        for (String file : List.of(s.images(), s.labels())) {
            if (!s.sha256().containsKey(file)) {
                throw new ModelPackageException(Code.MISSING_KEY, mf, "missing key \"samples.sha256\" entry for \""
                        + file + "\"");
            }
        }
    }

    private static void checkFloat(NamedTensor t, String what) throws ModelPackageException {
        if (t.spec().dtype() != DType.FLOAT32) {
            throw new ModelPackageException(Code.INVALID_VALUE, MANIFEST_FILE,
                    what + " has dtype \"" + t.spec().dtype().manifestName() + "\"; only float32 is supported");
        }
    }

    private static void checkOnnx(Path dir, String file, String expectedSha256) throws ModelPackageException {
        byte[] bytes = readListed(dir, file);
        checkHash(file, bytes, expectedSha256);
        String problem = OnnxFileCheck.problem(bytes);
        if (problem != null) {
            throw new ModelPackageException(Code.NOT_ONNX, file, problem);
        }
    }

    private static IdxSamples loadSamples(Path dir, Manifest m) throws ModelPackageException {
        Manifest.Samples s = m.samples();
        byte[] images = readListed(dir, s.images());
        checkHash(s.images(), images, s.sha256().get(s.images()));
        byte[] labels = readListed(dir, s.labels());
        checkHash(s.labels(), labels, s.sha256().get(s.labels()));
        IdxSamples samples = IdxSamples.parse(images, s.images(), labels, s.labels());
        InputSpec.Image image = m.input().image();
        if (image.channels() != 1 || samples.rows() != image.height() || samples.cols() != image.width()) {
            throw new ModelPackageException(Code.BAD_SAMPLES, s.images(), "holds " + samples.rows() + "x"
                    + samples.cols() + " single-channel images but the input is " + image.height() + "x"
                    + image.width() + " with " + image.channels() + " channel(s)");
        }
        if (samples.count() != s.count()) {
            throw new ModelPackageException(Code.BAD_SAMPLES, s.images(), "holds " + samples.count()
                    + " samples but " + MANIFEST_FILE + " says samples.count = " + s.count());
        }
        int classes = m.labels().size();
        for (int i = 0; i < samples.count(); i++) {
            if (samples.label(i) >= classes) {
                throw new ModelPackageException(Code.BAD_SAMPLES, s.labels(), "sample " + i + " has label "
                        + samples.label(i) + " but there are only " + classes + " classes");
            }
        }
        return samples;
    }

    private static void checkHash(String file, byte[] bytes, String expected) throws ModelPackageException {
        String actual = HexFormat.of().formatHex(sha256(bytes));
        if (!actual.equalsIgnoreCase(expected)) {
            throw new ModelPackageException(Code.HASH_MISMATCH, file, "SHA-256 is " + actual + " but "
                    + MANIFEST_FILE + " says " + expected + " (file corrupt or replaced)");
        }
    }

    /** Reads a file the manifest lists, first checking that the path stays inside the package. */
    private static byte[] readListed(Path dir, String file) throws ModelPackageException {
        resolve(dir, file, file);
        return read(dir, file);
    }

    private static Path resolve(Path dir, String file, String key) throws ModelPackageException {
        Path p;
        try {
            p = dir.resolve(file).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new ModelPackageException(Code.INVALID_VALUE, MANIFEST_FILE, "\"" + key + "\": \"" + file
                    + "\" is not a valid path");
        }
        if (Path.of(file).isAbsolute() || !p.startsWith(dir) || p.equals(dir)) {
            throw new ModelPackageException(Code.INVALID_VALUE, MANIFEST_FILE, "\"" + key + "\": \"" + file
                    + "\" must be a relative path inside the package directory");
        }
        return p;
    }

    private static byte[] read(Path dir, String file) throws ModelPackageException {
        Path p = dir.resolve(file);
        if (!Files.exists(p)) {
            throw new ModelPackageException(Code.MISSING_FILE, file, "is missing"
                    + (file.equals(MANIFEST_FILE) ? " (not a model package?)" : " (listed in " + MANIFEST_FILE + ")"));
        }
        if (!Files.isRegularFile(p)) {
            throw new ModelPackageException(Code.UNREADABLE, file, "is not a regular file");
        }
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new ModelPackageException(Code.MISSING_FILE, file, "is missing", e);
        } catch (IOException e) {
            throw new ModelPackageException(Code.UNREADABLE, file, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    /** @return the package directory, absolute */
    public Path directory() {
        return directory;
    }

    /** @return the validated manifest */
    public Manifest manifest() {
        return manifest;
    }

    /** @return the SHA-256 of the manifest.json bytes, lowercase hex (the "manifest hash" on the wire) */
    public String manifestSha256() {
        return HexFormat.of().formatHex(manifestSha256);
    }

    /** @return a copy of the 32-byte SHA-256 of the manifest.json bytes */
    public byte[] manifestSha256Bytes() {
        return manifestSha256.clone();
    }

    /** @return the number of blocks (= exits), L */
    public int depth() {
        return manifest.depth();
    }

    /**
     * The per-sample shape of the tensor at a block boundary: 0 is the network input, {@code i} is
     * block {@code i}'s output (exit {@code i}'s and block {@code i+1}'s input).
     *
     * @param boundary 0..L
     * @return a copy of the shape
     * @throws IllegalArgumentException if the boundary is out of range
     */
    public int[] boundaryShape(int boundary) {
        if (boundary < 0 || boundary > depth()) {
            throw new IllegalArgumentException("boundary must be 0.." + depth() + ", got " + boundary);
        }
        return boundary == 0 ? manifest.input().tensor().shape() : manifest.block(boundary).output().shape();
    }

    /** @return the class names, index = class id */
    public List<String> labels() {
        return manifest.labels();
    }

    /**
     * @param index 1-based block index
     * @return that block's ONNX file, absolute
     * @throws IndexOutOfBoundsException if there is no such block
     */
    public Path blockFile(int index) {
        return directory.resolve(manifest.block(index).file());
    }

    /**
     * @param index 1-based exit index
     * @return that exit's ONNX file, absolute
     * @throws IndexOutOfBoundsException if there is no such exit
     */
    public Path exitFile(int index) {
        return directory.resolve(manifest.exit(index).file());
    }

    /** @return the fused graph's ONNX file, absolute */
    public Path fusedFile() {
        return directory.resolve(manifest.fused().file());
    }

    /** @return the shipped sample set (validated at load) */
    public IdxSamples samples() {
        return samples;
    }

    /** @return trace name (e.g. {@code clean}) to absolute trace file, in manifest order */
    public Map<String, Path> traces() {
        Map<String, Path> out = new LinkedHashMap<>();
        manifest.traces().forEach((name, file) -> out.put(name, directory.resolve(file)));
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * @param name a trace name from the manifest, e.g. {@code clean} or {@code noise-0.1}
     * @return the trace file (gzip CSV), absolute
     * @throws IllegalArgumentException if the manifest lists no such trace (the message lists those it has)
     */
    public Path trace(String name) {
        String file = manifest.traces().get(name);
        if (file == null) {
            throw new IllegalArgumentException("no trace \"" + name + "\" in model package " + manifest.id()
                    + "; it has " + manifest.traces().keySet());
        }
        return directory.resolve(file);
    }

    @Override
    public String toString() {
        return "ModelPackage[" + manifest.id() + " " + manifest.version() + " at " + directory + ", manifest sha256 "
                + manifestSha256() + "]";
    }
}
