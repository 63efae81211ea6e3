package io.splitee.model;

/**
 * One early-exit head: a separate ONNX file mapping block {@code index}'s output to class logits.
 *
 * @param index 1-based; the exit after block {@code index}
 * @param file the ONNX file, relative to the package directory
 * @param sha256 the file's SHA-256, lowercase hex
 * @param input the head's input tensor (same shape as block {@code index}'s output)
 * @param output the logits tensor, shape {@code [classes]}
 * @param flops floating-point operations per sample
 * @param params number of parameters
 */
public record ExitSpec(int index, String file, String sha256, NamedTensor input, NamedTensor output, long flops,
        long params) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the field that is missing or out of range
     */
    public ExitSpec {
        Specs.checkSegment("exit", index, file, sha256, input, output, flops, params);
        sha256 = sha256.toLowerCase(java.util.Locale.ROOT);
    }

    /** @return the number of classes (the logits' element count) */
    public int classes() {
        return output.elementCount();
    }
}
