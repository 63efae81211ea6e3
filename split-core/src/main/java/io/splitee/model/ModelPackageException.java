package io.splitee.model;

import java.util.Objects;

/**
 * A model package could not be loaded: a file is missing, corrupt or inconsistent with the manifest.
 *
 * <p>Every instance carries a {@link Code} saying what kind of problem it is and the package-relative
 * name of the file at fault (for example {@code block_03.onnx} or {@code manifest.json}); the message
 * starts with that file name, so it can be shown to a user as it is.
 */
public final class ModelPackageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The kind of problem. */
    public enum Code {
        /** The package directory does not exist or is not a directory. */
        NOT_A_DIRECTORY,
        /** A file that the manifest (or the package layout) names is absent. */
        MISSING_FILE,
        /** A file exists but could not be read. */
        UNREADABLE,
        /** manifest.json is not valid JSON. */
        MALFORMED_MANIFEST,
        /** manifest.json lacks a required key. */
        MISSING_KEY,
        /** A manifest value has the wrong type or an out-of-range value. */
        INVALID_VALUE,
        /** The manifest's schema version is not one this code reads. */
        UNSUPPORTED_SCHEMA,
        /** A file's SHA-256 differs from the one in the manifest. */
        HASH_MISMATCH,
        /** Tensor shapes do not chain from block to block, into an exit, or into the fused graph. */
        SHAPE_MISMATCH,
        /** Block or exit indices are not 1..L in order, or blocks and exits differ in number. */
        INDEX_MISMATCH,
        /** The number of labels differs from the exits' output size. */
        LABEL_MISMATCH,
        /** A file named as an ONNX model is not an ONNX (protobuf ModelProto) file. */
        NOT_ONNX,
        /** ONNX Runtime refused to load a model file. */
        ONNX_LOAD_FAILED,
        /** A model's declared inputs or outputs disagree with the manifest. */
        ONNX_SIGNATURE_MISMATCH,
        /** A sample set file is not a valid gzip IDX file or disagrees with the manifest. */
        BAD_SAMPLES
    }

    private final Code code;
    private final String file;

    /**
     * Creates an exception.
     *
     * @param code what kind of problem
     * @param file the package-relative file at fault (e.g. {@code block_03.onnx})
     * @param problem what is wrong with it, in words
     */
    public ModelPackageException(Code code, String file, String problem) {
        this(code, file, problem, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param code what kind of problem
     * @param file the package-relative file at fault
     * @param problem what is wrong with it, in words
     * @param cause the underlying exception, or null
     */
    public ModelPackageException(Code code, String file, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + Objects.requireNonNull(problem, "problem"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.file = file;
    }

    /** @return what kind of problem this is */
    public Code code() {
        return code;
    }

    /** @return the package-relative name of the file at fault */
    public String file() {
        return file;
    }
}
