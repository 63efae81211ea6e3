package io.splitee.model;

/**
 * One block of the backbone: a separate ONNX file mapping block {@code index - 1}'s output (or the
 * network input for block 1) to this block's output.
 *
 * @param index 1-based position in the backbone
 * @param file the ONNX file, relative to the package directory
 * @param sha256 the file's SHA-256, lowercase hex
 * @param input the block's input tensor
 * @param output the block's output tensor (the features a split after this block sends)
 * @param flops floating-point operations per sample (multiply-accumulates times two)
 * @param params number of parameters
 */
public record BlockSpec(int index, String file, String sha256, NamedTensor input, NamedTensor output, long flops,
        long params) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the field that is missing or out of range
     */
    public BlockSpec {
        Specs.checkSegment("block", index, file, sha256, input, output, flops, params);
        sha256 = sha256.toLowerCase(java.util.Locale.ROOT);
    }
}
